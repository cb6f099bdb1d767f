package dev.kiln.deploy.check;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceBackendPort;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceBackendPortBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.Endpoint;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/k8s rendered as kubectl would (base and every overlay), every object read strictly into the typed
 * Kubernetes model, and cross-checked against what the apps, the image build and the README say.
 */
class KubernetesManifestsTest {
    private static final Path K8S = Repo.path("deploy/k8s");
    private static final Pattern VARIABLE_REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    /** A rendered kustomization with each object in its typed form. */
    record Rendered(Path dir, Kustomize.Rendering raw, List<HasMetadata> objects) {
        <T extends HasMetadata> List<T> all(Class<T> type) {
            return objects.stream().filter(type::isInstance).map(type::cast).toList();
        }

        <T extends HasMetadata> T one(Class<T> type, String name) {
            return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError(dir + " has no " + type.getSimpleName() + " " + name));
        }

        /** Pod templates of every workload, by workload id. */
        Map<String, PodTemplateSpec> templates() {
            Map<String, PodTemplateSpec> out = new LinkedHashMap<>();
            all(Deployment.class).forEach(d -> out.put("Deployment/" + d.getMetadata().getName(), d.getSpec().getTemplate()));
            all(DaemonSet.class).forEach(d -> out.put("DaemonSet/" + d.getMetadata().getName(), d.getSpec().getTemplate()));
            all(StatefulSet.class).forEach(d -> out.put("StatefulSet/" + d.getMetadata().getName(), d.getSpec().getTemplate()));
            return out;
        }

        /** Containers running one of Kiln's images, with the app each runs. */
        Map<Container, Apps> kilnContainers() {
            Map<Container, Apps> out = new LinkedHashMap<>();
            for (PodTemplateSpec t : templates().values()) {
                for (Container c : t.getSpec().getContainers()) {
                    appOf(c.getImage()).ifPresent(app -> out.put(c, app));
                }
            }
            return out;
        }
    }

    static Stream<Path> kustomizations() throws IOException {
        List<Path> dirs = new ArrayList<>();
        dirs.add(K8S.resolve("base"));
        try (Stream<Path> overlays = Files.list(K8S.resolve("overlays"))) {
            overlays.filter(d -> Files.exists(d.resolve("kustomization.yaml"))).sorted().forEach(dirs::add);
        }
        return dirs.stream();
    }

    static Rendered render(Path dir) {
        Kustomize.Rendering raw = Kustomize.render(dir);
        List<HasMetadata> typed = raw.resources().stream()
                .map(r -> KubeObjects.parse(r.object(), r.source() + " " + r.id())).toList();
        return new Rendered(dir, raw, typed);
    }

    @Test
    void thereIsABaseAndAtLeastTheProductionAndTrialOverlays() throws IOException {
        assertThat(kustomizations().map(d -> K8S.relativize(d).toString()))
                .contains("base", "overlays/production", "overlays/trial");
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void everyRenderedObjectIsAStrictlyValidKubernetesObjectWithAUniqueName(Path dir) {
        Rendered r = render(dir);
        assertThat(r.objects()).isNotEmpty();
        Set<String> ids = new TreeSet<>();
        for (Kustomize.Resource res : r.raw().resources()) {
            assertThat(ids.add(res.id())).as("duplicate " + res.id() + " in " + dir).isTrue();
            assertThat(res.name()).as(res.id() + " name").matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
        }
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void everyObjectLandsInKilnsNamespaceAndCarriesItsLabel(Path dir) {
        Rendered r = render(dir);
        List<io.fabric8.kubernetes.api.model.Namespace> namespaces = r.all(io.fabric8.kubernetes.api.model.Namespace.class);
        assertThat(namespaces).hasSize(1);
        String namespace = namespaces.getFirst().getMetadata().getName();
        for (HasMetadata o : r.objects()) {
            String id = o.getKind() + "/" + o.getMetadata().getName();
            if (!(o instanceof io.fabric8.kubernetes.api.model.Namespace)) {
                // Without it, `kubectl apply -k` puts the object into whatever namespace the context points at.
                assertThat(o.getMetadata().getNamespace()).as(id + " namespace in " + dir).isEqualTo(namespace);
            }
            assertThat(o.getMetadata().getLabels()).as(id + " labels in " + dir)
                    .containsEntry("app.kubernetes.io/part-of", "kiln");
        }
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void everyPatchIsAValidPartialObjectOfItsKind(Path dir) {
        for (Kustomize.Patch patch : Kustomize.render(dir).patches()) {
            KubeObjects.parse(patch.object(), patch.source().toString());
        }
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void workloadsServicesPoliciesAndBudgetsSelectPodsThatExist(Path dir) {
        Rendered r = render(dir);
        Map<String, PodTemplateSpec> templates = r.templates();
        for (Deployment d : r.all(Deployment.class)) {
            assertSelects(d.getSpec().getSelector(), d.getSpec().getTemplate(), "Deployment " + d.getMetadata().getName());
        }
        for (DaemonSet d : r.all(DaemonSet.class)) {
            assertSelects(d.getSpec().getSelector(), d.getSpec().getTemplate(), "DaemonSet " + d.getMetadata().getName());
        }
        for (StatefulSet s : r.all(StatefulSet.class)) {
            assertSelects(s.getSpec().getSelector(), s.getSpec().getTemplate(), "StatefulSet " + s.getMetadata().getName());
        }
        for (Service s : r.all(Service.class)) {
            List<PodTemplateSpec> pods = matching(templates, s.getSpec().getSelector());
            assertThat(pods).as("pods of Service " + s.getMetadata().getName()).isNotEmpty();
            for (ServicePort port : s.getSpec().getPorts()) {
                pods.forEach(p -> assertThat(containerPort(p.getSpec(), port.getTargetPort()))
                        .as("Service " + s.getMetadata().getName() + " targetPort " + port.getTargetPort()).isPresent());
            }
        }
        for (PodDisruptionBudget b : r.all(PodDisruptionBudget.class)) {
            assertThat(matching(templates, b.getSpec().getSelector().getMatchLabels()))
                    .as("pods of PodDisruptionBudget " + b.getMetadata().getName()).isNotEmpty();
        }
        for (NetworkPolicy p : r.all(NetworkPolicy.class)) {
            List<PodTemplateSpec> pods = matching(templates, p.getSpec().getPodSelector().getMatchLabels());
            assertThat(pods).as("pods of NetworkPolicy " + p.getMetadata().getName()).isNotEmpty();
            for (NetworkPolicyIngressRule rule : p.getSpec().getIngress()) {
                for (NetworkPolicyPort port : rule.getPorts()) {
                    pods.forEach(pod -> assertThat(containerPort(pod.getSpec(), port.getPort()))
                            .as("NetworkPolicy " + p.getMetadata().getName() + " port " + port.getPort()).isPresent());
                }
                for (NetworkPolicyPeer peer : rule.getFrom()) {
                    if (peer.getPodSelector() != null && peer.getNamespaceSelector() == null) {
                        assertThat(matching(templates, peer.getPodSelector().getMatchLabels()))
                                .as("peers of NetworkPolicy " + p.getMetadata().getName()).isNotEmpty();
                    }
                }
            }
        }
        for (ServiceMonitor m : r.all(ServiceMonitor.class)) {
            List<Service> services = r.all(Service.class).stream()
                    .filter(s -> labelsMatch(m.getSpec().getSelector().getMatchLabels(), s.getMetadata().getLabels()))
                    .toList();
            assertThat(services).as("Services of ServiceMonitor " + m.getMetadata().getName()).isNotEmpty();
            for (Endpoint e : m.getSpec().getEndpoints()) {
                services.forEach(s -> assertThat(s.getSpec().getPorts()).as("port " + e.getPort() + " of " + s.getMetadata().getName())
                        .anyMatch(p -> e.getPort().equals(p.getName())));
            }
        }
        for (Ingress i : r.all(Ingress.class)) {
            i.getSpec().getRules().forEach(rule -> rule.getHttp().getPaths().forEach(path -> {
                var backend = path.getBackend().getService();
                Service s = r.one(Service.class, backend.getName());
                assertThat(s.getSpec().getPorts()).as("Ingress backend port " + backend.getPort())
                        .anyMatch(p -> Objects.equals(p.getName(), backend.getPort().getName())
                                || Objects.equals(p.getPort(), backend.getPort().getNumber()));
            }));
        }
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void kilnContainersProbeTheManagementEndpointsOnThePortsTheAppsListenOn(Path dir) {
        Rendered r = render(dir);
        assertThat(r.kilnContainers().values()).as("Kiln containers in " + dir)
                .containsExactlyInAnyOrder(Apps.CONTROL_PLANE, Apps.INFERENCE_NODE);
        r.kilnContainers().forEach((c, app) -> {
            Map<String, String> env = literalEnv(c);
            int port = Integer.parseInt(env.getOrDefault(app.portVariable, String.valueOf(app.defaultPort())));
            int management = Integer.parseInt(env.getOrDefault(app.managementPortVariable,
                    String.valueOf(app.defaultManagementPort())));
            assertThat(namedPort(c, "http")).as(app + " http port").isEqualTo(port);
            assertThat(namedPort(c, "management")).as(app + " management port").isEqualTo(management);
            assertThat(management).as(app + ": the management port is not the API port").isNotEqualTo(port);
            Map<String, Probe> probes = new LinkedHashMap<>();
            probes.put("liveness", c.getLivenessProbe());
            probes.put("readiness", c.getReadinessProbe());
            probes.put("startup", c.getStartupProbe());
            probes.forEach((kind, probe) -> {
                assertThat(probe).as(app + " " + kind + " probe").isNotNull();
                HTTPGetAction get = probe.getHttpGet();
                assertThat(get).as(app + " " + kind + " probe is an HTTP GET").isNotNull();
                assertThat(app.managementPaths()).as(app + " serves " + get.getPath() + " on its management port")
                        .contains(get.getPath());
                assertThat(containerPortNumber(c, get.getPort())).as(app + " " + kind + " probe port")
                        .isEqualTo(management);
            });
            assertThat(c.getReadinessProbe().getHttpGet().getPath()).endsWith("/health/readiness");
            assertThat(c.getLivenessProbe().getHttpGet().getPath()).endsWith("/health/liveness");
        });
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void everyEnvironmentVariableSetOnAKilnContainerIsOneItsAppReads(Path dir) {
        render(dir).kilnContainers().forEach((c, app) -> {
            Set<String> known = app.environment();
            Set<String> referenced = new TreeSet<>();
            for (EnvVar v : c.getEnv()) {
                if (v.getValue() != null) {
                    Matcher m = VARIABLE_REFERENCE.matcher(v.getValue());
                    while (m.find()) {
                        referenced.add(m.group(1));
                    }
                }
            }
            assertThat(c.getEnvFrom()).as(app + ": envFrom would set variables nobody checks").isEmpty();
            for (EnvVar v : c.getEnv()) {
                boolean helper = referenced.contains(v.getName()) && !v.getName().startsWith("KILN_");
                assertThat(known.contains(v.getName()) || helper)
                        .as(app + " in " + dir + " does not read " + v.getName() + " (it reads " + known + ")")
                        .isTrue();
            }
            referenced.forEach(name -> assertThat(c.getEnv()).as("$(" + name + ") is defined")
                    .anyMatch(v -> v.getName().equals(name)));
        });
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void kilnContainersSetWhatTheAppsRequireToStartInACluster(Path dir) {
        render(dir).kilnContainers().forEach((c, app) -> {
            Set<String> names = new TreeSet<>();
            c.getEnv().forEach(v -> names.add(v.getName()));
            if (app == Apps.CONTROL_PLANE) {
                assertThat(names).contains("KILN_DB_URL", "KILN_DB_USER", "KILN_DB_PASSWORD", "KILN_JWT_SECRET",
                        "KILN_NODE_TOKEN_KEY", "KILN_JOIN_TOKEN", "KILN_BIND");
            } else {
                assertThat(names).contains("KILN_CONTROL_PLANE_INTERNAL_URL", "KILN_JOIN_TOKEN", "KILN_NODE_ADDRESS",
                        "KILN_NODE_NAME", "KILN_NODE_BIND");
            }
        });
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void secretsAndConfigMapsReferencedExistOrAreDocumentedAsProvidedByTheOperator(Path dir) {
        Rendered r = render(dir);
        Map<String, Set<String>> documented = OperatorSecrets.documented();
        Map<String, Set<String>> present = new HashMap<>();
        r.all(io.fabric8.kubernetes.api.model.Secret.class).forEach(s -> present.put("Secret/" + s.getMetadata().getName(),
                keys(s.getData(), s.getStringData())));
        r.all(io.fabric8.kubernetes.api.model.ConfigMap.class).forEach(m -> present.put("ConfigMap/" + m.getMetadata().getName(),
                keys(m.getData(), m.getBinaryData())));
        List<String[]> references = new ArrayList<>();
        for (PodTemplateSpec t : r.templates().values()) {
            for (Container c : t.getSpec().getContainers()) {
                for (EnvVar v : c.getEnv()) {
                    if (v.getValueFrom() != null && v.getValueFrom().getSecretKeyRef() != null) {
                        var ref = v.getValueFrom().getSecretKeyRef();
                        references.add(new String[] {"Secret/" + ref.getName(), ref.getKey()});
                    }
                    if (v.getValueFrom() != null && v.getValueFrom().getConfigMapKeyRef() != null) {
                        var ref = v.getValueFrom().getConfigMapKeyRef();
                        references.add(new String[] {"ConfigMap/" + ref.getName(), ref.getKey()});
                    }
                }
            }
            for (Volume v : t.getSpec().getVolumes()) {
                if (v.getSecret() != null) {
                    references.add(new String[] {"Secret/" + v.getSecret().getSecretName(), null});
                }
                if (v.getConfigMap() != null) {
                    references.add(new String[] {"ConfigMap/" + v.getConfigMap().getName(), null});
                }
            }
            t.getSpec().getImagePullSecrets().forEach(s -> references.add(new String[] {"Secret/" + s.getName(), null}));
        }
        r.all(Ingress.class).forEach(i -> i.getSpec().getTls()
                .forEach(tls -> references.add(new String[] {"Secret/" + tls.getSecretName(), null})));
        assertThat(references).isNotEmpty();
        for (String[] ref : references) {
            Set<String> keys = present.containsKey(ref[0]) ? present.get(ref[0]) : documented.get(ref[0]);
            assertThat(keys).as(ref[0] + " (used in " + dir + ") is neither in the manifests nor in deploy/README.md's"
                    + " table of operator-provided Secrets").isNotNull();
            if (ref[1] != null) {
                assertThat(keys).as(ref[0] + " key " + ref[1]).contains(ref[1]);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void kilnContainersRunTheImagesTheBuildProducesAsItsNonRootUser(Path dir) {
        Rendered r = render(dir);
        for (PodTemplateSpec t : r.templates().values()) {
            for (Container c : t.getSpec().getContainers()) {
                Optional<Apps> app = appOf(c.getImage());
                if (app.isEmpty()) {
                    continue;
                }
                ImageBuild build = ImageBuild.of(app.get());
                if (dir.endsWith("base")) {
                    assertThat(c.getImage()).isEqualTo(build.image());
                } else {
                    // An overlay may move the image to a registry; the name below it and the tag stay the build's.
                    String repository = Kustomize.Images.repository(c.getImage());
                    assertThat(repository.equals(build.repository()) || repository.endsWith("/" + build.repository()))
                            .as(c.getImage() + " is " + build.image() + " in some registry").isTrue();
                    assertThat(Kustomize.Images.tag(c.getImage())).isEqualTo(build.tag());
                }
                var pod = t.getSpec().getSecurityContext();
                assertThat(pod.getRunAsNonRoot()).isTrue();
                assertThat(pod.getRunAsUser()).isEqualTo((long) build.uid());
                assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
                assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
                assertThat(c.getVolumeMounts()).as(app.get() + " has a writable /tmp")
                        .anyMatch(m -> m.getMountPath().equals("/tmp"));
                Map<String, Quantity> limits = c.getResources().getLimits();
                assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
                assertThat(limits).containsKey("memory");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void theControlPlaneRunsSeveralReplicasAndKeepsOneThroughDisruptions(Path dir) {
        Rendered r = render(dir);
        Deployment cp = r.one(Deployment.class, "kiln-control-plane");
        assertThat(cp.getSpec().getReplicas()).isGreaterThanOrEqualTo(2);
        assertThat(cp.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable()).isEqualTo(new IntOrString(0));
        PodDisruptionBudget pdb = r.one(PodDisruptionBudget.class, "kiln-control-plane");
        assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isBetween(1, cp.getSpec().getReplicas() - 1);
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void inferenceNodesRunOnGpuHostsOnlyAndRequestTheirGpus(Path dir) {
        Rendered r = render(dir);
        DaemonSet nodes = r.one(DaemonSet.class, "kiln-node");
        PodSpec spec = nodes.getSpec().getTemplate().getSpec();
        assertThat(spec.getNodeSelector()).containsEntry("nvidia.com/gpu.present", "true");
        assertThat(spec.getTolerations()).anyMatch(t -> "nvidia.com/gpu".equals(t.getKey()));
        Container node = spec.getContainers().getFirst();
        assertThat(Integer.parseInt(node.getResources().getLimits().get("nvidia.com/gpu").getAmount()))
                .isGreaterThanOrEqualTo(1);
        Map<String, String> env = literalEnv(node);
        assertThat(env.get("KILN_NODE_ADDRESS")).as("the gateway dials the pod's own address and the node's API port")
                .isEqualTo("http://$(POD_IP):" + env.getOrDefault("KILN_NODE_PORT",
                        String.valueOf(Apps.INFERENCE_NODE.defaultPort())));
        EnvVar podIp = node.getEnv().stream().filter(v -> v.getName().equals("POD_IP")).findFirst().orElseThrow();
        assertThat(podIp.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("status.podIP");
        Service cp = r.one(Service.class, "kiln-control-plane-internal");
        String url = env.get("KILN_CONTROL_PLANE_INTERNAL_URL");
        assertThat(url).as("nodes reach the control plane's internal listener through its own Service")
                .startsWith("http://kiln-control-plane-internal");
        int servicePort = url.matches("http://[^/:]+:\\d+.*") ? Integer.parseInt(url.replaceAll("http://[^:]+:(\\d+).*", "$1")) : 80;
        assertThat(cp.getSpec().getPorts()).anyMatch(p -> p.getPort() == servicePort && "internal".equals(p.getTargetPort().getStrVal()));
    }

    @Test
    void productionSelectsGpuProductsAndTrialRunsItsOwnPostgresThatOnlyTheControlPlaneReaches() {
        Rendered production = render(K8S.resolve("overlays/production"));
        var affinity = production.one(DaemonSet.class, "kiln-node").getSpec().getTemplate().getSpec().getAffinity();
        assertThat(affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms())
                .flatExtracting(t -> t.getMatchExpressions()).anyMatch(e -> e.getKey().equals("nvidia.com/gpu.product"));
        assertThat(production.all(Ingress.class)).hasSize(1);
        assertThat(production.all(StatefulSet.class)).isEmpty();

        Rendered trial = render(K8S.resolve("overlays/trial"));
        StatefulSet postgres = trial.one(StatefulSet.class, "kiln-postgres");
        NetworkPolicy policy = trial.one(NetworkPolicy.class, "kiln-postgres");
        assertThat(policy.getSpec().getPodSelector().getMatchLabels())
                .isEqualTo(postgres.getSpec().getSelector().getMatchLabels());
        assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule -> assertThat(rule.getFrom())
                .singleElement().satisfies(peer -> assertThat(peer.getPodSelector().getMatchLabels())
                        .containsEntry("app.kubernetes.io/component", "control-plane")));
        assertThat(trial.one(Service.class, "kiln-postgres").getSpec().getPorts())
                .singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(5432));
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void noIngressRoutesToTheControlPlanesInternalListener(Path dir) {
        Rendered r = render(dir);
        assertThat(ingressesToTheInternalListener(r)).isEmpty();
        Container cp = r.one(Deployment.class, "kiln-control-plane").getSpec().getTemplate().getSpec().getContainers()
                .getFirst();
        assertThat(cp.getPorts()).anyMatch(p -> "internal".equals(p.getName())
                && p.getContainerPort() == Integer.parseInt(literalEnv(cp).get("KILN_INTERNAL_PORT")));
    }

    @Test
    void anIngressThatRoutesToTheInternalListenerFailsTheCheck() {
        Rendered production = render(K8S.resolve("overlays/production"));
        Ingress byName = ingress("by-name", "kiln-control-plane-internal",
                new ServiceBackendPortBuilder().withName("internal").build());
        Ingress byNumber = ingress("by-number", "kiln-control-plane-internal",
                new ServiceBackendPortBuilder().withNumber(8070).build());
        List<HasMetadata> objects = new ArrayList<>(production.objects());
        objects.add(byName);
        objects.add(byNumber);

        List<String> violations = ingressesToTheInternalListener(new Rendered(production.dir(), production.raw(),
                objects));

        assertThat(violations).hasSize(2).anyMatch(v -> v.contains("by-name")).anyMatch(v -> v.contains("by-number"));
    }

    /** Each Ingress path whose backend is a Service port leading to the control plane's internal listener. */
    static List<String> ingressesToTheInternalListener(Rendered r) {
        List<String> violations = new ArrayList<>();
        for (Ingress i : r.all(Ingress.class)) {
            i.getSpec().getRules().forEach(rule -> rule.getHttp().getPaths().forEach(path -> {
                var backend = path.getBackend().getService();
                r.all(Service.class).stream().filter(s -> s.getMetadata().getName().equals(backend.getName()))
                        .flatMap(s -> s.getSpec().getPorts().stream())
                        .filter(p -> Objects.equals(p.getName(), backend.getPort().getName())
                                || Objects.equals(p.getPort(), backend.getPort().getNumber()))
                        .filter(p -> "internal".equals(p.getName()) || p.getTargetPort() != null
                                && "internal".equals(p.getTargetPort().getStrVal()))
                        .forEach(p -> violations.add("Ingress " + i.getMetadata().getName() + " routes " + path.getPath()
                                + " to Service " + backend.getName() + " port " + p.getName()
                                + ", the control plane's internal listener"));
            }));
        }
        return violations;
    }

    private static Ingress ingress(String name, String service, ServiceBackendPort port) {
        return new IngressBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().addNewRule()
                .withHost("kiln.example.com").withNewHttp().addNewPath().withPath("/").withPathType("Prefix")
                .withNewBackend().withNewService().withName(service).withPort(port).endService().endBackend()
                .endPath().endHttp().endRule().endSpec().build();
    }

    @Test
    void onlyNodePodsReachTheControlPlanesInternalPort() {
        NetworkPolicy cp = render(K8S.resolve("base")).one(NetworkPolicy.class, "kiln-control-plane");
        List<NetworkPolicyIngressRule> internal = cp.getSpec().getIngress().stream()
                .filter(rule -> rule.getPorts().stream().anyMatch(p -> "internal".equals(p.getPort().getStrVal())))
                .toList();
        assertThat(internal).singleElement().satisfies(rule -> {
            assertThat(rule.getPorts()).singleElement();
            assertThat(rule.getFrom()).singleElement().satisfies(peer -> {
                assertThat(peer.getNamespaceSelector()).isNull();
                assertThat(peer.getPodSelector().getMatchLabels())
                        .containsEntry("app.kubernetes.io/component", "inference-node");
            });
        });
    }

    @Test
    void onlyControlPlanePodsReachNodePredictionPortsAndOnlyMonitoringReachesManagementPorts() {
        Rendered base = render(K8S.resolve("base"));
        NetworkPolicy nodes = base.one(NetworkPolicy.class, "kiln-node");
        Map<String, List<NetworkPolicyPeer>> byPort = new TreeMap<>();
        nodes.getSpec().getIngress().forEach(rule -> rule.getPorts()
                .forEach(p -> byPort.computeIfAbsent(p.getPort().getStrVal(), k -> new ArrayList<>()).addAll(rule.getFrom())));
        assertThat(byPort).containsOnlyKeys("http", "management");
        assertThat(byPort.get("http")).singleElement().satisfies(peer -> {
            assertThat(peer.getNamespaceSelector()).isNull();
            assertThat(peer.getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/component", "control-plane");
        });
        for (NetworkPolicy p : base.all(NetworkPolicy.class)) {
            for (NetworkPolicyIngressRule rule : p.getSpec().getIngress()) {
                boolean management = rule.getPorts().stream().anyMatch(port -> "management".equals(port.getPort().getStrVal()));
                if (management) {
                    assertThat(rule.getFrom()).as(p.getMetadata().getName() + " management peers").isNotEmpty()
                            .allMatch(peer -> peer.getNamespaceSelector() != null);
                }
            }
        }
    }

    @Test
    void theServiceMonitorScrapesPrometheusOnBothAppsManagementPorts() {
        Rendered base = render(K8S.resolve("base"));
        ServiceMonitor monitor = base.all(ServiceMonitor.class).getFirst();
        assertThat(monitor.getSpec().getEndpoints()).allSatisfy(e -> assertThat(Apps.CONTROL_PLANE.managementPaths())
                .contains(e.getPath()));
        assertThat(monitor.getSpec().getEndpoints()).allSatisfy(e -> assertThat(Apps.INFERENCE_NODE.managementPaths())
                .contains(e.getPath()));
        List<String> scraped = base.all(Service.class).stream()
                .filter(s -> labelsMatch(monitor.getSpec().getSelector().getMatchLabels(), s.getMetadata().getLabels()))
                .map(s -> s.getMetadata().getName()).toList();
        assertThat(scraped).containsExactlyInAnyOrder("kiln-control-plane", "kiln-node");
    }

    @Test
    void theGrafanaDashboardsShipAsAConfigMapForGrafanasSidecar() throws IOException {
        List<String> dashboards;
        try (Stream<Path> files = Files.list(Repo.path("deploy/grafana"))) {
            dashboards = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList();
        }
        assertThat(dashboards).isNotEmpty();
        var configMaps = render(K8S.resolve("base")).all(io.fabric8.kubernetes.api.model.ConfigMap.class).stream()
                .filter(m -> "1".equals(m.getMetadata().getLabels().get("grafana_dashboard"))).toList();
        assertThat(configMaps).singleElement().satisfies(m -> assertThat(m.getData().keySet())
                .containsExactlyInAnyOrderElementsOf(dashboards));
    }

    private static Optional<Apps> appOf(String image) {
        String repository = Kustomize.Images.repository(image);
        for (Apps app : Apps.values()) {
            String built = ImageBuild.of(app).repository();
            if (repository.equals(built) || repository.endsWith("/" + built)) {
                return Optional.of(app);
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> literalEnv(Container c) {
        Map<String, String> out = new TreeMap<>();
        c.getEnv().stream().filter(v -> v.getValue() != null).forEach(v -> out.put(v.getName(), v.getValue()));
        return out;
    }

    private static int namedPort(Container c, String name) {
        return c.getPorts().stream().filter(p -> name.equals(p.getName())).map(ContainerPort::getContainerPort)
                .findFirst().orElseThrow(() -> new AssertionError(c.getName() + " has no port named " + name));
    }

    private static int containerPortNumber(Container c, IntOrString port) {
        return port.getIntVal() != null ? port.getIntVal() : namedPort(c, port.getStrVal());
    }

    private static Optional<Integer> containerPort(PodSpec spec, IntOrString port) {
        return spec.getContainers().stream().flatMap(c -> c.getPorts().stream())
                .filter(p -> port.getIntVal() != null ? port.getIntVal().equals(p.getContainerPort())
                        : port.getStrVal().equals(p.getName()))
                .map(ContainerPort::getContainerPort).findFirst();
    }

    private static void assertSelects(LabelSelector selector, PodTemplateSpec template, String what) {
        assertThat(selector.getMatchExpressions()).as(what + " selector").isEmpty();
        assertThat(labelsMatch(selector.getMatchLabels(), template.getMetadata().getLabels()))
                .as(what + " selects its own pod template").isTrue();
    }

    private static List<PodTemplateSpec> matching(Map<String, PodTemplateSpec> templates, Map<String, String> selector) {
        return templates.values().stream().filter(t -> labelsMatch(selector, t.getMetadata().getLabels())).toList();
    }

    private static boolean labelsMatch(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && labels != null
                && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    private static Set<String> keys(Map<String, String> a, Map<String, String> b) {
        Set<String> out = new TreeSet<>();
        if (a != null) {
            out.addAll(a.keySet());
        }
        if (b != null) {
            out.addAll(b.keySet());
        }
        return out;
    }
}
