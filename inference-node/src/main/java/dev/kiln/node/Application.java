package dev.kiln.node;

import io.micronaut.runtime.Micronaut;

/** The inference node: joins a control plane, serves the instances it is assigned. */
public final class Application {
    private Application() {
    }

    public static void main(String[] args) {
        Micronaut.build(args).banner(false).mainClass(Application.class).start();
    }
}
