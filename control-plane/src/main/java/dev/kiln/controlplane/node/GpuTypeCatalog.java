package dev.kiln.controlplane.node;

import dev.kiln.controlplane.audit.AuditLog;
import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.common.ConflictException;
import dev.kiln.controlplane.common.Problems;
import dev.kiln.controlplane.common.SqlErrors;
import dev.kiln.controlplane.common.Times;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The GPU type catalog (DESIGN §7): names deployments ask for, with their memory. Everyone signed in may read it
 * (the dashboard offers it when a deployment is created); only operators add to it (see {@link Operators}).
 *
 * <p>A node's GPU is of a catalog type when every word of the type's name is a word of the GPU's name, comparing
 * letters and digits case-insensitively: type "H100 80GB" (or "h100-80gb") is "NVIDIA H100 80GB HBM3", type "L4" is
 * "NVIDIA L4" but not "NVIDIA L40S", type "A100" is both "NVIDIA A100-SXM4-80GB" and "NVIDIA A100 80GB PCIe". A node
 * that declares its GPUs in configuration can simply use the catalog's name.
 */
@Singleton
public class GpuTypeCatalog {

    /** Body of POST /api/v1/gpu-types. */
    @Serdeable
    public record GpuTypeRequest(@Nullable String name, @Nullable Long memoryBytes) {
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}");
    private static final Pattern WORD_SEPARATOR = Pattern.compile("[^a-z0-9]+");
    /** 16 TiB: far above any GPU, low enough to catch a unit mistake. */
    static final long MAX_MEMORY_BYTES = 1L << 44;

    private final GpuTypeRepository types;
    private final Operators operators;
    private final AuditLog audit;
    private final Clock clock;

    GpuTypeCatalog(GpuTypeRepository types, Operators operators, AuditLog audit, Clock clock) {
        this.types = types;
        this.operators = operators;
        this.audit = audit;
        this.clock = clock;
    }

    public List<GpuType> list() {
        return types.findAllOrdered();
    }

    /** The catalog type of that name, ignoring case. */
    public Optional<GpuType> find(String name) {
        return types.findByNameIgnoreCase(name.trim());
    }

    @Transactional
    GpuType create(Caller caller, GpuTypeRequest request) {
        operators.require(caller, "add GPU types");
        Problems problems = new Problems();
        String name = request.name() == null ? "" : request.name().trim();
        if (name.isEmpty()) {
            problems.add("name", "is required", "value_error.missing");
        } else if (!NAME.matcher(name).matches()) {
            problems.add("name", "must be 1 to 64 letters, digits, spaces, '.', '_' or '-', starting with a letter "
                    + "or digit (e.g. H100-80GB)", "value_error.gpu_type_name");
        }
        if (request.memoryBytes() == null) {
            problems.add("memoryBytes", "is required", "value_error.missing");
        } else if (request.memoryBytes() < 1 || request.memoryBytes() > MAX_MEMORY_BYTES) {
            problems.add("memoryBytes", "must be between 1 and " + MAX_MEMORY_BYTES + " (16 TiB)", "value_error.range");
        }
        problems.throwIfAny("The GPU type is not valid.");
        if (types.findByNameIgnoreCase(name).isPresent()) {
            throw taken(name);
        }
        GpuType type = new GpuType(UUID.randomUUID(), name, request.memoryBytes(), Times.now(clock));
        try {
            types.save(type);
        } catch (DataAccessException e) {
            throw SqlErrors.isUniqueViolation(e) ? taken(name) : e;
        }
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("name", name);
        detail.put("memoryBytes", type.memoryBytes());
        audit.record(caller.actor(), "gpu_type.create",
                new AuditLog.Target(null, null, "gpu_type", type.id().toString()), detail);
        return type;
    }

    /** Whether a GPU the driver (or configuration) calls {@code gpuName} is of the type {@code typeName}. */
    public static boolean matches(String gpuName, String typeName) {
        Set<String> gpuWords = words(gpuName);
        Set<String> typeWords = words(typeName);
        return !typeWords.isEmpty() && gpuWords.containsAll(typeWords);
    }

    /** The most specific catalog type the GPU is of (most words matched), if any. */
    static Optional<String> typeOf(String gpuName, List<GpuType> catalog) {
        return catalog.stream()
                .filter(type -> matches(gpuName, type.name()))
                .max(Comparator.comparingInt((GpuType type) -> words(type.name()).size())
                        .thenComparing(GpuType::name, Comparator.reverseOrder()))
                .map(GpuType::name);
    }

    private static Set<String> words(String name) {
        if (name == null) {
            return Set.of();
        }
        return Arrays.stream(WORD_SEPARATOR.split(name.toLowerCase(Locale.ROOT)))
                .filter(word -> !word.isEmpty())
                .collect(Collectors.toSet());
    }

    private static ConflictException taken(String name) {
        return new ConflictException("A GPU type named '" + name + "' already exists.");
    }
}
