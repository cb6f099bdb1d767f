package dev.kiln.cli;

import java.util.List;
import java.util.stream.Collectors;

/** Picks one organization or project from those the caller sees: the one named (by id or name), or the only one. */
final class Choice {

    /** An organization or project as listed by the API. */
    record Named(String id, String name, String parentId) {
    }

    private Choice() {
    }

    /**
     * @param kind   "organization" or "project", for the messages
     * @param wanted an id or a name; null picks the only one
     * @param flag   the option that names one, for the messages
     */
    static Named one(String kind, List<Named> items, String wanted, String flag) {
        if (wanted != null) {
            List<Named> byId = items.stream().filter(n -> n.id().equalsIgnoreCase(wanted)).toList();
            if (!byId.isEmpty()) {
                return byId.getFirst();
            }
            List<Named> byName = items.stream().filter(n -> n.name().equals(wanted)).toList();
            if (byName.size() == 1) {
                return byName.getFirst();
            }
            if (byName.size() > 1) {
                throw CliException.usage("several " + kind + "s are named " + wanted + "; pass its id with " + flag);
            }
            throw new CliException(ExitCode.API_ERROR, "no " + kind + " " + wanted + " (you see: " + names(items) + ")");
        }
        if (items.size() == 1) {
            return items.getFirst();
        }
        if (items.isEmpty()) {
            throw new CliException(ExitCode.API_ERROR, "you are in no " + kind);
        }
        throw CliException.usage("you see several " + kind + "s (" + names(items) + "); choose one with " + flag);
    }

    private static String names(List<Named> items) {
        return items.isEmpty() ? "none" : items.stream().map(Named::name).collect(Collectors.joining(", "));
    }
}
