using Ccx.Dns.Providers;
using Ccx.Dns.Route53.Internal;

namespace Ccx.Dns.Route53.Tests.Internal;

/// <summary>Credential resolution through AWSSDK.Core's chain; these tests change process environment variables.</summary>
[Collection(EnvironmentVariablesGroup.Name)]
public sealed class Route53CredentialsTests : IDisposable
{
    private static readonly string[] Variables = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"];
    private readonly Dictionary<string, string?> _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);

    static Route53CredentialsTests()
    {
        // AWSSDK.Core remembers the shared credentials file of its first use for the whole process, so the tests use
        // one file for the whole run, set before any profile lookup.
        var file = Path.Combine(Path.GetTempPath(), $"ccx-route53-tests-{Environment.ProcessId}.credentials");
        File.WriteAllText(file, "[default]\naws_access_key_id = AKIDFROMDEFAULTPROFILE\naws_secret_access_key = default-secret\n[ops]\naws_access_key_id = AKIDFROMOPSPROFILE\naws_secret_access_key = ops-secret\n");
        Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", file);
        Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", file + ".absent");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(file);
    }

    public Route53CredentialsTests()
    {
        foreach (var v in Variables)
        {
            Environment.SetEnvironmentVariable(v, null);
        }
    }

    public void Dispose()
    {
        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    [Fact]
    public async Task GetAccessKeyIdAsync_DefaultChainWithEnvironment_UsesEnvironmentFirst()
    {
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIDFROMENVIRONMENT");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "env-secret");

        var signer = new Route53RequestSigner(new Route53ProviderOptions(), TimeProvider.System);

        Assert.Equal("AKIDFROMENVIRONMENT", await signer.GetAccessKeyIdAsync(CancellationToken.None));
    }

    [Fact]
    public async Task GetAccessKeyIdAsync_DefaultChainWithoutEnvironment_UsesDefaultProfile()
    {
        var signer = new Route53RequestSigner(new Route53ProviderOptions(), TimeProvider.System);

        Assert.Equal("AKIDFROMDEFAULTPROFILE", await signer.GetAccessKeyIdAsync(CancellationToken.None));
    }

    [Fact]
    public async Task GetAccessKeyIdAsync_NamedProfile_UsesThatProfile()
    {
        var signer = new Route53RequestSigner(new Route53ProviderOptions { Profile = "ops" }, TimeProvider.System);

        Assert.Equal("AKIDFROMOPSPROFILE", await signer.GetAccessKeyIdAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ListHostedZonesAsync_UnknownProfile_FailsBeforeSendingAnything()
    {
        using var handler = new Infrastructure.CountingFaultHandler();
        var options = new Route53ProviderOptions { Profile = "no-such-profile-ccx", Endpoint = new Uri("http://127.0.0.1:9") };
        using var http = new HttpClient(handler);
        var client = new Route53RestClient(http, new Route53RequestSigner(options, TimeProvider.System), new Route53AccountRateLimiters(), options, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        var error = await Assert.ThrowsAnyAsync<DnsProviderException>(() => client.ListHostedZonesAsync(null));

        Assert.False(error.IsTransient);
        Assert.Contains("no-such-profile-ccx", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, handler.Total);
    }

    [Fact]
    public async Task GetAccessKeyIdAsync_UnknownProfile_FailsPermanentlyWithoutSecrets()
    {
        var signer = new Route53RequestSigner(new Route53ProviderOptions { Profile = "missing" }, TimeProvider.System);

        var error = await Assert.ThrowsAnyAsync<DnsProviderException>(() => signer.GetAccessKeyIdAsync(CancellationToken.None));

        Assert.False(error.IsTransient);
        Assert.Contains("'missing'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.ToString(), StringComparison.Ordinal);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentVariablesGroup
{
    public const string Name = "environment variables";
}
