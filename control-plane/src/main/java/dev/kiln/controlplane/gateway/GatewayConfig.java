package dev.kiln.controlplane.gateway;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.convert.format.ReadableBytes;

import java.time.Duration;

/**
 * The data plane ({@code kiln.gateway.*}).
 *
 * @param maxBodySize        largest prediction request body accepted (413 above)
 * @param refreshInterval    how often the routing table is re-read (other replicas' changes)
 * @param missRefreshGap     an unknown deployment id triggers a re-read at most this often
 * @param connectTimeout     connecting to a node; a failure here is retried on another instance
 * @param timeoutGrace       added to the deployment's timeout before the gateway gives up on a node (504),
 *                           so the node's own timeout answer arrives first
 * @param retryAfter         the Retry-After sent with 503s
 * @param maxInstancesPerRequest most elements of one KServe v1 {@code instances} list (each is one prediction)
 * @param asyncResultTtl     how long the result of an async prediction can be fetched
 * @param inflightBytes      most request bytes held in memory at once over all data-plane calls (503 beyond);
 *                           0 means a quarter of the maximum heap
 * @param maxConcurrentPerKey most calls of one key in progress at once on a replica (429 beyond)
 */
@ConfigurationProperties("kiln.gateway")
public record GatewayConfig(@Bindable(defaultValue = "20MB") @ReadableBytes long maxBodySize,
                            @Bindable(defaultValue = "1s") Duration refreshInterval,
                            @Bindable(defaultValue = "250ms") Duration missRefreshGap,
                            @Bindable(defaultValue = "2s") Duration connectTimeout,
                            @Bindable(defaultValue = "5s") Duration timeoutGrace,
                            @Bindable(defaultValue = "1s") Duration retryAfter,
                            @Bindable(defaultValue = "64") int maxInstancesPerRequest,
                            @Bindable(defaultValue = "1h") Duration asyncResultTtl,
                            @Bindable(defaultValue = "0") @ReadableBytes long inflightBytes,
                            @Bindable(defaultValue = "64") int maxConcurrentPerKey) {

    /** The in-flight byte budget: the configured one, else a quarter of {@code maxHeap}. */
    long inflightBudget(long maxHeap) {
        return inflightBytes > 0 ? inflightBytes : maxHeap / 4;
    }
}
