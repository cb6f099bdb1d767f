package dev.kiln.protocol;

/** A descriptor option that is unknown to its adapter, of the wrong type or out of bounds. */
public final class InvalidOptionException extends IllegalArgumentException {
    private final String option;

    public InvalidOptionException(String option, String message) {
        super(message);
        this.option = option;
    }

    /** The option's name, as given in the descriptor. */
    public String option() {
        return option;
    }
}
