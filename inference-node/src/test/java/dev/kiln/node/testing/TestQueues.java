package dev.kiln.node.testing;

import dev.kiln.node.imaging.ImagingConfig;
import dev.kiln.node.runtime.MemoryLimits;
import dev.kiln.node.runtime.QueueSizing;

/** Queue sizing as the node's bean makes it with its default settings, for tests that build an instance manager. */
public final class TestQueues {
    private TestQueues() {
    }

    public static QueueSizing sizing() {
        ImagingConfig imaging = ImagingConfig.defaults();
        return new QueueSizing(MemoryLimits.ofThisJvm(), 28L << 20, imaging.dynamicMaxSide(), imaging.maxPixels());
    }
}
