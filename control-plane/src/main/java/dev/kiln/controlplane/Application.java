package dev.kiln.controlplane;

import io.micronaut.runtime.Micronaut;

/** Control plane entry point: management API, gateway, scheduler and the static dashboard in one process. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        Micronaut.build(args).mainClass(Application.class).banner(false).start();
    }
}
