package dev.kiln.node.testing;

import dev.kiln.node.runtime.InstanceManager;
import dev.kiln.node.runtime.ServingInstance;
import dev.kiln.protocol.Assignment;
import dev.kiln.protocol.InstanceStatus;
import dev.kiln.protocol.ServingSettings;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import java.util.concurrent.TimeUnit;

/**
 * An inference node in a JVM of its own, serving one sample model without a control plane: what {@link NodeProcess}
 * starts. Configured by system properties; prints {@value #READY} with its port and instance once it serves.
 * Arguments: the sample model's file name, then the deployment's {@code maxQueue} and {@code timeoutMs}.
 */
public final class ServingNodeMain {
    static final String READY = "kiln-test-node ready";

    private ServingNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        String sample = args[0];
        ServingSettings settings = new ServingSettings(1, 0, Integer.parseInt(args[1]), Long.parseLong(args[2]),
                "entropy", 0.5);
        ApplicationContext context = ApplicationContext.run();
        EmbeddedServer server = context.getBean(EmbeddedServer.class).start();
        Assignment assignment = TestAssignments.of(sample, settings);
        ServingInstance instance = context.getBean(InstanceManager.class).add(assignment, SampleModels.path(sample));
        if (instance.settled().get(120, TimeUnit.SECONDS).status() != InstanceStatus.READY) {
            throw new IllegalStateException("instance failed: " + instance.error());
        }
        System.out.println(READY + " port=" + server.getPort() + " instance=" + assignment.instanceId());
        Thread.currentThread().join();
    }
}
