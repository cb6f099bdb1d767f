package dev.kiln.controlplane.gateway;

/** What became of a request that arrived while its deployment had no ready instance. */
sealed interface Activation {

    /** An instance is ready: go on with this route. */
    record Ready(Route route) implements Activation {
    }

    /** The deployment is not autoscaled: nothing will start an instance for this request. */
    record Inactive() implements Activation {
    }

    /** This replica already holds the most requests it may for the deployment. */
    record Full(int limit) implements Activation {
    }

    /** No instance became ready within the deployment's timeout. */
    record TimedOut() implements Activation {
    }
}
