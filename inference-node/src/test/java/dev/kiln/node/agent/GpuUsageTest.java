package dev.kiln.node.agent;

import dev.kiln.protocol.GpuUsage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GpuUsageTest {
    private static final long MIB = 1024L * 1024;

    @Test
    void nvidiaSmiUtilizationAndMemoryLinesBecomeOneUsagePerGpu() {
        // nvidia-smi --query-gpu=index,utilization.gpu,memory.used --format=csv,noheader,nounits on two GPUs.
        String captured = "0, 87, 30512\n1, 0, 4\n";

        assertThat(GpuInventory.parseUsage(captured)).containsExactly(
                new GpuUsage(0, 87, 30512 * MIB),
                new GpuUsage(1, 0, 4 * MIB));
    }

    @Test
    void gpusTheDriverGivesNoFiguresForAreLeftOut() {
        // MIG-enabled GPUs answer "[N/A]"; some boards "[Not Supported]".
        String captured = "0, [N/A], 1021\n1, [Not Supported], [Not Supported]\n2, 45, 2048\n";

        assertThat(GpuInventory.parseUsage(captured)).containsExactly(new GpuUsage(2, 45, 2048 * MIB));
    }

    @Test
    void anErrorMessageIsNoUsage() {
        String captured = "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n";

        assertThat(GpuInventory.parseUsage(captured)).isEmpty();
    }

    @Test
    void processCpuIsCpuTimeOverWallTimeAcrossAllCores() {
        assertThat(NodeSampler.cpuPercent(5_000_000_000L, 10_000_000_000L, 4)).isEqualTo(12.5);
        assertThat(NodeSampler.cpuPercent(0, 10_000_000_000L, 4)).isZero();
        assertThat(NodeSampler.cpuPercent(50_000_000_000L, 10_000_000_000L, 4)).isEqualTo(100);
    }
}
