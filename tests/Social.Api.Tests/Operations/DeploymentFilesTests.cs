using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Social.Api.Hosting;
using Social.Api.Tests.Support;
using Social.Infrastructure.Postgres;
using Social.Testing;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace Social.Api.Tests.Operations;

/// <summary>
/// docker-compose.yml, the Dockerfile, the load balancer and k8s/ checked against the code, as no Docker engine or
/// cluster is at hand: they parse, what they build exists, and their ports, paths and keys are the host's.
/// </summary>
public sealed partial class DeploymentFilesTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const int HttpPort = 8080;

    private static readonly string Root = Repository.Root;

    // ---- docker-compose.yml ----

    [Fact]
    public void Compose_HasTheStoresThreeInstancesAndALoadBalancer_WithNamedVolumes()
    {
        var compose = Yaml("docker-compose.yml");
        var services = Map(compose, "services");

        Assert.Equal(["api-1", "api-2", "api-3", "lb", "postgres", "redis"], services.Children.Keys.Select(Text).Order());
        var declared = Map(compose, "volumes").Children.Keys.Select(Text).ToHashSet();
        foreach (var store in new[] { "postgres", "redis" })
        {
            var volume = Text(Seq(Map(services, store), "volumes")[0]).Split(':')[0];
            Assert.Contains(volume, declared);
        }
    }

    [Fact]
    public void Compose_EveryServiceHasAnImageWithATagOrABuildContextThatExists()
    {
        foreach (var (name, service) in Services())
        {
            if (service.Children.ContainsKey("build"))
            {
                var build = Map(service, "build");
                Assert.True(Directory.Exists(Path.Combine(Root, Text(build["context"]))), $"{name}: build context");
                Assert.True(File.Exists(Path.Combine(Root, Text(build["context"]), Text(build["dockerfile"]))), $"{name}: Dockerfile");
            }
            else
            {
                Assert.Matches(@"^[a-z0-9./-]+:[0-9][\w.-]*$", Text(service["image"]));
            }
        }
    }

    [Fact]
    public void Dockerfile_BuildsSocialApiInTwoStagesAndServesTheComposePort()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Root, "Dockerfile"));

        Assert.Equal(2, FromLine().Matches(dockerfile).Count);
        Assert.Contains("dotnet publish src/Social.Api/Social.Api.csproj", dockerfile);
        Assert.Contains($"ASPNETCORE_URLS=http://+:{HttpPort}", dockerfile);
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"Social.Api.dll\"]", dockerfile);
        Assert.True(File.Exists(Path.Combine(Root, "src/Social.Api/Social.Api.csproj")));
    }

    [Fact]
    public void Compose_InstancesUseOnlyTheHostsConfigurationKeys_AndAdvertiseTheirOwnAddress()
    {
        foreach (var (name, service) in Services().Where(s => s.Name.StartsWith("api-", StringComparison.Ordinal)))
        {
            var environment = Map(service, "environment").Children.ToDictionary(e => Text(e.Key), e => Text(e.Value));
            Assert.All(environment.Keys, key => Assert.True(ConfigurationKeys.Exists(key), $"{name}: {key} is not a configuration key of the host"));
            foreach (var required in new[] { "ConnectionStrings__Postgres", "ConnectionStrings__Redis", "Social__Jwt__SigningKey" })
            {
                Assert.Contains(required, environment.Keys);
            }

            var address = Text(Map(Map(service, "networks"), "social")["ipv4_address"]);
            Assert.Equal(address, environment["Social__Cluster__AdvertisedIPAddress"]);
            Assert.StartsWith("Host=postgres;", environment["ConnectionStrings__Postgres"], StringComparison.Ordinal);
            Assert.StartsWith("redis:6379", environment["ConnectionStrings__Redis"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Compose_HealthChecksCallEndpointsTheHostServes()
    {
        var client = api.CreateClient();
        foreach (var (name, service) in Services().Where(s => s.Name.StartsWith("api-", StringComparison.Ordinal) || s.Name == "lb"))
        {
            var test = string.Join(' ', Seq(Map(service, "healthcheck"), "test").Select(Text));
            var path = HealthPath().Match(test);
            Assert.True(path.Success, $"{name}: {test}");
            Assert.Equal(HttpStatusCode.OK, (await client.GetPathAsync(path.Value)).StatusCode);
        }
    }

    [Fact]
    public void Compose_StopGracePeriodIsLongerThanTheHostsShutdownTimeout()
    {
        foreach (var (name, service) in Services().Where(s => s.Name.StartsWith("api-", StringComparison.Ordinal)))
        {
            var grace = TimeSpan.FromSeconds(int.Parse(Text(service["stop_grace_period"]).TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(grace > ServiceSetup.ShutdownTimeout, $"{name}: {grace} ≤ {ServiceSetup.ShutdownTimeout}");
        }
    }

    [Fact]
    public void Compose_InstancesTrustTheLoadBalancersNetwork_ForItsForwardedHeaders()
    {
        var compose = Yaml("docker-compose.yml");
        var subnet = Text(((YamlMappingNode)Seq(Map(Map(Map(compose, "networks"), "social"), "ipam"), "config")[0])["subnet"]);
        var nginx = File.ReadAllText(Path.Combine(Root, "deploy/nginx.conf"));

        Assert.Contains("social", Seq(Services().Single(s => s.Name == "lb").Service, "networks").Select(Text));
        foreach (var (name, service) in Services().Where(s => s.Name.StartsWith("api-", StringComparison.Ordinal)))
        {
            var environment = Map(service, "environment").Children.ToDictionary(e => Text(e.Key), e => Text(e.Value));
            Assert.True(environment.TryGetValue("Social__ForwardedHeaders__KnownNetworks__0", out var trusted), $"{name} trusts no proxy");
            Assert.Equal(subnet, trusted);
            AssertValid(new TrustedProxyOptions { KnownNetworks = [trusted] });
        }

        Assert.Contains("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;", nginx);
        Assert.Contains("proxy_set_header X-Forwarded-Proto $scheme;", nginx);
    }

    [Fact]
    public void Compose_InstancesExposeTheMetricsPort_AndTheLoadBalancerHidesMetrics()
    {
        var nginx = File.ReadAllText(Path.Combine(Root, "deploy/nginx.conf"));

        foreach (var (name, service) in Services().Where(s => s.Name.StartsWith("api-", StringComparison.Ordinal)))
        {
            var environment = Map(service, "environment").Children.ToDictionary(e => Text(e.Key), e => Text(e.Value));
            var port = environment.GetValueOrDefault("Social__Metrics__Port") ?? DefaultMetricsPort;
            Assert.Contains(port, Seq(service, "expose").Select(Text));
            Assert.False(service.Children.ContainsKey("ports"), $"{name} publishes ports past the load balancer");
        }

        Assert.Contains($"EXPOSE {HttpPort} {DefaultMetricsPort} ", File.ReadAllText(Path.Combine(Root, "Dockerfile")));
        Assert.Matches(@"location = /metrics \{\s*return 404;", nginx);
    }

    [Fact]
    public void LoadBalancer_SendsToEveryInstanceOnTheHttpPort_AndPassesWebSockets()
    {
        var nginx = File.ReadAllText(Path.Combine(Root, "deploy/nginx.conf"));
        var lb = Services().Single(s => s.Name == "lb").Service;

        foreach (var instance in new[] { "api-1", "api-2", "api-3" })
        {
            Assert.Contains($"server {instance}:{HttpPort}", nginx);
        }

        Assert.Contains("proxy_set_header Upgrade $http_upgrade;", nginx);
        Assert.Contains("proxy_set_header Connection $connection_upgrade;", nginx);
        Assert.Contains("listen 80;", nginx);
        Assert.Contains("./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro", Seq(lb, "volumes").Select(Text));
        Assert.EndsWith(":80", Text(Seq(lb, "ports")[0]), StringComparison.Ordinal);
    }

    // ---- k8s/ ----

    [Fact]
    public void Kustomization_ListsEveryManifestAndEachParses()
    {
        var kustomization = Yaml("k8s/kustomization.yaml");
        var resources = Seq(kustomization, "resources").Select(Text).ToList();

        Assert.Equal("social", Text(kustomization["namespace"]));
        // Every manifest but the example Secret, which the operator replaces with their own (ExampleSecretsTests).
        Assert.Equal(
            Directory.GetFiles(Path.Combine(Root, "k8s"), "*.yaml").Select(Path.GetFileName)
                .Where(f => f != "kustomization.yaml" && !f!.EndsWith(".example.yaml", StringComparison.Ordinal)).Order(),
            resources.Order());
        var kinds = resources.SelectMany(Documents).Select(d => Text(d["kind"])).ToList();
        foreach (var kind in new[] { "Namespace", "ConfigMap", "Deployment", "Service", "Ingress", "PodDisruptionBudget", "HorizontalPodAutoscaler", "StatefulSet" })
        {
            Assert.Contains(kind, kinds);
        }
    }

    [Fact]
    public void Deployment_HasTheOrleansLabelsOfTheConfiguredCluster_AndThePodIdentityFromTheDownwardApi()
    {
        var pod = Map(Map(Deployment(), "spec"), "template");
        var labels = Map(Map(pod, "metadata"), "labels");
        var config = ConfigMapData();

        Assert.Equal(config["Social__Cluster__ServiceId"], Text(labels["orleans/serviceId"]));
        Assert.Equal(config["Social__Cluster__ClusterId"], Text(labels["orleans/clusterId"]));
        var env = Seq(Container(), "env").Cast<YamlMappingNode>().ToDictionary(e => Text(e["name"]));
        Assert.Equal("metadata.name", FieldPath(env["POD_NAME"]));
        Assert.Equal("metadata.namespace", FieldPath(env["POD_NAMESPACE"]));
        Assert.Equal("status.podIP", FieldPath(env["POD_IP"]));
        Assert.Equal("$(POD_IP)", Text(env["Social__Cluster__AdvertisedIPAddress"]["value"]));
        Assert.True(ConfigurationKeys.Exists("Social__Cluster__AdvertisedIPAddress"));
    }

    [Fact]
    public void Deployment_ProbesTheHealthEndpointsOnTheHttpPort_RollsWithoutUnavailability_AndOutlastsShutdown()
    {
        var spec = Map(Deployment(), "spec");
        var container = Container();
        var http = Seq(container, "ports").Cast<YamlMappingNode>().Single(p => Text(p["name"]) == "http");

        Assert.Equal(HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), Text(http["containerPort"]));
        Assert.Equal($"http://+:{HttpPort}", ConfigMapData()["ASPNETCORE_URLS"]);
        Assert.Equal("/health/ready", Text(Map(Map(container, "readinessProbe"), "httpGet")["path"]));
        Assert.Equal("/health/live", Text(Map(Map(container, "livenessProbe"), "httpGet")["path"]));
        Assert.Equal("http", Text(Map(Map(container, "readinessProbe"), "httpGet")["port"]));
        Assert.Equal("0", Text(Map(Map(spec, "strategy"), "rollingUpdate")["maxUnavailable"]));
        var grace = TimeSpan.FromSeconds(int.Parse(Text(Map(Map(spec, "template"), "spec")["terminationGracePeriodSeconds"]), System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(grace > ServiceSetup.ShutdownTimeout);
        var resources = Map(container, "resources");
        Assert.True(Map(resources, "requests").Children.ContainsKey("cpu"));
        Assert.False(resources.Children.ContainsKey("limits") && Map(resources, "limits").Children.ContainsKey("cpu"), "no CPU limit");
        var ports = Seq(container, "ports").Cast<YamlMappingNode>().ToDictionary(p => Text(p["name"]), p => Text(p["containerPort"]));
        Assert.Equal(ConfigMapData()["Social__Cluster__SiloPort"], ports["silo"]);
        Assert.Equal(ConfigMapData()["Social__Cluster__GatewayPort"], ports["gateway"]);
    }

    [Fact]
    public void Deployment_ServesMetricsOnItsOwnPort_AnnotatedForPrometheus_AndNotBehindTheService()
    {
        var port = ConfigMapData().GetValueOrDefault("Social__Metrics__Port") ?? DefaultMetricsPort;
        var ports = Seq(Container(), "ports").Cast<YamlMappingNode>().ToDictionary(p => Text(p["name"]), p => Text(p["containerPort"]));
        var annotations = Map(Map(Map(Map(Deployment(), "spec"), "template"), "metadata"), "annotations");
        var service = Documents("social-api.yaml").Single(d => Text(d["kind"]) == "Service");

        Assert.Equal(port, ports["metrics"]);
        Assert.Equal(port, Text(annotations["prometheus.io/port"]));
        Assert.Equal(TelemetrySetup.MetricsPath, Text(annotations["prometheus.io/path"]));
        Assert.Equal(["http"], Seq(Map(service, "spec"), "ports").Cast<YamlMappingNode>().Select(p => Text(p["targetPort"])));
    }

    [Fact]
    public void ConfigMap_TrustsProxiesBySettingsTheHostAccepts()
    {
        var config = ConfigMapData();
        var trusted = new TrustedProxyOptions
        {
            KnownProxies = [.. config.Where(e => e.Key.StartsWith("Social__ForwardedHeaders__KnownProxies__", StringComparison.Ordinal)).Select(e => e.Value)],
            KnownNetworks = [.. config.Where(e => e.Key.StartsWith("Social__ForwardedHeaders__KnownNetworks__", StringComparison.Ordinal)).Select(e => e.Value)],
        };

        Assert.True(trusted.IsConfigured, "the ConfigMap trusts no proxy: every client would share the ingress controller's address");
        AssertValid(trusted);
    }

    [Fact]
    public void ConfigMapAndSecret_OnlyTheHostsConfigurationKeys_AndTheSecretSaysItHoldsExamples()
    {
        var secretText = File.ReadAllText(Path.Combine(Root, "k8s/secret.example.yaml"));
        var secret = Map(Documents("secret.example.yaml").Single(), "stringData").Children.ToDictionary(e => Text(e.Key), e => Text(e.Value));

        Assert.All(ConfigMapData().Keys, key => Assert.True(ConfigurationKeys.Exists(key), $"ConfigMap: {key}"));
        Assert.All(secret.Keys.Where(k => k != "POSTGRES_PASSWORD"), key => Assert.True(ConfigurationKeys.Exists(key), $"Secret: {key}"));
        Assert.Contains("EXAMPLE VALUES ONLY", secretText);
        Assert.StartsWith("Host=postgres;", secret["ConnectionStrings__Postgres"], StringComparison.Ordinal);
        Assert.StartsWith("redis:6379", secret["ConnectionStrings__Redis"], StringComparison.Ordinal);
    }

    [Fact]
    public void ServiceIngressBudgetAndAutoscaler_PointAtTheDeploymentAndItsHttpPort()
    {
        var api = Documents("social-api.yaml").Single(d => Text(d["kind"]) == "Service");
        var podLabels = Map(Map(Map(Map(Deployment(), "spec"), "template"), "metadata"), "labels");
        Assert.Equal("http", Text(Seq(Map(api, "spec"), "ports").Cast<YamlMappingNode>().Single()["targetPort"]));
        Assert.Equal(Text(podLabels["app"]), Text(Map(Map(api, "spec"), "selector")["app"]));

        var ingress = Documents("ingress.yaml").Single();
        var path = (YamlMappingNode)Seq(Map((YamlMappingNode)Seq(Map(ingress, "spec"), "rules")[0], "http"), "paths")[0];
        Assert.Equal("/", Text(path["path"]));
        var backend = Map(Map(path, "backend"), "service");
        Assert.Equal(Text(Map(api, "metadata")["name"]), Text(backend["name"]));
        Assert.Equal("http", Text(Map(backend, "port")["name"]));
        Assert.Equal("3600", Text(Map(Map(ingress, "metadata"), "annotations")["nginx.ingress.kubernetes.io/proxy-read-timeout"]));

        var budget = Documents("pdb.yaml").Single();
        Assert.Equal(Text(podLabels["app"]), Text(Map(Map(Map(budget, "spec"), "selector"), "matchLabels")["app"]));
        var autoscaler = Documents("hpa.yaml").Single();
        Assert.Equal(Text(Map(Deployment(), "metadata")["name"]), Text(Map(Map(autoscaler, "spec"), "scaleTargetRef")["name"]));
    }

    [Fact]
    public void StoresForASelfContainedInstall_StatefulSetsWithVolumesBehindTheServicesTheConnectionStringsName()
    {
        foreach (var (file, port) in new[] { ("postgres.yaml", "5432"), ("redis.yaml", "6379") })
        {
            var documents = Documents(file).ToList();
            var set = documents.Single(d => Text(d["kind"]) == "StatefulSet");
            var service = documents.Single(d => Text(d["kind"]) == "Service");
            Assert.NotEmpty(Seq(Map(set, "spec"), "volumeClaimTemplates"));
            Assert.Equal(Path.GetFileNameWithoutExtension(file), Text(Map(service, "metadata")["name"]));
            Assert.Equal(port, Text(((YamlMappingNode)Seq(Map(service, "spec"), "ports")[0])["port"]));
        }

        Assert.Contains("managed", File.ReadAllText(Path.Combine(Root, "k8s/postgres.yaml")), StringComparison.OrdinalIgnoreCase);
    }

    // ---- PostgreSQL's connections: every deployment's instances fit (README, "Connection budget") ----

    // superuser_reserved_connections (3) and a few for psql, backups and migrations.
    private const int ReservedConnections = 10;

    private static int PerInstance => new PostgresConnectionOptions().PerInstance;

    [Fact]
    public void Compose_PostgresAllowsTheConnectionsOfEveryInstance()
    {
        var command = Seq(Map(Map(Yaml("docker-compose.yml"), "services"), "postgres"), "command").Select(Text);
        var instances = Services().Count(s => s.Name.StartsWith("api-", StringComparison.Ordinal));

        Assert.True(MaxConnections(command) >= instances * PerInstance + ReservedConnections);
    }

    [Fact]
    public void Kubernetes_PostgresAllowsTheConnectionsOfTheAutoscalersMostInstances()
    {
        var postgres = Documents("postgres.yaml").Single(d => Text(d["kind"]) == "StatefulSet");
        var args = Seq((YamlMappingNode)Seq(Map(Map(Map(postgres, "spec"), "template"), "spec"), "containers")[0], "args").Select(Text);
        var maxReplicas = int.Parse(Text(Map(Documents("hpa.yaml").Single(), "spec")["maxReplicas"]), CultureInfo.InvariantCulture);

        Assert.True(MaxConnections(args) >= maxReplicas * PerInstance + ReservedConnections);
    }

    [Fact]
    public void RunScript_PostgresAllowsTheConnectionsOfThreeInstances()
    {
        var script = File.ReadAllText(Path.Combine(Root, "scripts", "lib", "stores.sh"));
        var setting = Regex.Match(script, @"^POSTGRES_MAX_CONNECTIONS=(\d+)$", RegexOptions.Multiline);

        Assert.True(setting.Success, "stores.sh sets no POSTGRES_MAX_CONNECTIONS");
        Assert.Contains("-c max_connections=$POSTGRES_MAX_CONNECTIONS", script, StringComparison.Ordinal);
        Assert.True(int.Parse(setting.Groups[1].Value, CultureInfo.InvariantCulture) >= 3 * PerInstance + ReservedConnections);
    }

    private static int MaxConnections(IEnumerable<string> serverArguments) => serverArguments
        .Select(a => Regex.Match(a, @"^max_connections=(\d+)$"))
        .Where(m => m.Success)
        .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
        .Single();

    // ---- helpers ----

    private static string DefaultMetricsPort => new MetricsOptions().Port.ToString(CultureInfo.InvariantCulture);

    private static void AssertValid(object options)
    {
        var errors = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        Assert.True(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), errors, validateAllProperties: true),
            string.Join("; ", errors.Select(e => e.ErrorMessage)));
    }

    private static IEnumerable<(string Name, YamlMappingNode Service)> Services() =>
        Map(Yaml("docker-compose.yml"), "services").Children.Select(s => (Text(s.Key), (YamlMappingNode)s.Value));

    private static YamlMappingNode Deployment() => Documents("social-api.yaml").Single(d => Text(d["kind"]) == "Deployment");

    private static YamlMappingNode Container() =>
        (YamlMappingNode)Seq(Map(Map(Map(Deployment(), "spec"), "template"), "spec"), "containers")[0];

    private static Dictionary<string, string> ConfigMapData() =>
        Map(Documents("configmap.yaml").Single(), "data").Children.ToDictionary(e => Text(e.Key), e => Text(e.Value));

    private static string FieldPath(YamlMappingNode env) => Text(Map(Map(env, "valueFrom"), "fieldRef")["fieldPath"]);

    // A YAML file's first document, with compose's anchors and merge keys (<<) resolved.
    private static YamlMappingNode Yaml(string relativePath) => Merged(Load(relativePath).Single());

    // YAML merge keys as compose applies them: the mapping's own keys win over the merged ones, at every level.
    private static YamlMappingNode Merged(YamlMappingNode node)
    {
        var result = new YamlMappingNode();
        if (node.Children.TryGetValue("<<", out var merged))
        {
            foreach (var (key, value) in Merged((YamlMappingNode)merged).Children)
            {
                result.Children[key] = value;
            }
        }

        foreach (var (key, value) in node.Children.Where(c => Text(c.Key) != "<<"))
        {
            result.Children[key] = value is YamlMappingNode mapping ? Merged(mapping) : value;
        }

        return result;
    }

    private static IEnumerable<YamlMappingNode> Documents(string k8sFile) => Load(Path.Combine("k8s", k8sFile));

    private static List<YamlMappingNode> Load(string relativePath)
    {
        using var reader = new StreamReader(Path.Combine(Root, relativePath));
        var stream = new YamlStream();
        stream.Load(reader);
        return [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)];
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node[key];

    private static IList<YamlNode> Seq(YamlMappingNode node, string key) => ((YamlSequenceNode)node[key]).Children;

    private static string Text(YamlNode node) => ((YamlScalarNode)node).Value ?? "";

    [GeneratedRegex(@"^FROM\s", RegexOptions.Multiline)]
    private static partial Regex FromLine();

    [GeneratedRegex(@"/health/(ready|live)")]
    private static partial Regex HealthPath();
}
