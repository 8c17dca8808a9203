using Amazon.Runtime;
using Ccx.Dns.Route53.Internal;

namespace Ccx.Dns.Route53.Tests.Infrastructure;

/// <summary>Builds providers wired to moto through the counting/fault handler and the signature check.</summary>
public sealed class TestProviders : IDisposable
{
    public const string AccessKey = "AKIAZZTESTSECRETKEY1";
    public const string SecretKey = "s3cr3t/Route53+TestKey/ShouldNeverBeLogged0";

    private readonly List<IDisposable> _owned = [];

    public TestProviders(Uri endpoint, ManualTimeProvider? time = null)
    {
        Endpoint = endpoint;
        Time = time ?? new ManualTimeProvider();
        Signatures = new SignatureCheckingHandler(SecretKey) { InnerHandler = new SocketsHttpHandler { AllowAutoRedirect = false } };
        Counter = new CountingFaultHandler(Signatures);
        _owned.Add(Counter);
        _owned.Add(RateLimiters);
    }

    public Uri Endpoint { get; }

    public ManualTimeProvider Time { get; }

    public CountingFaultHandler Counter { get; }

    public SignatureCheckingHandler Signatures { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>A private registry so that tests do not share a token bucket by accident.</summary>
    internal Route53AccountRateLimiters RateLimiters { get; } = new();

    public Route53ProviderOptions Options(Action<Route53ProviderOptions>? configure = null)
    {
        var options = new Route53ProviderOptions
        {
            Endpoint = Endpoint,
            Credentials = new BasicAWSCredentials(AccessKey, SecretKey),
            RequestsPerSecond = 1000,
            RequestBurst = 1000,
            RetryBaseDelay = TimeSpan.FromMilliseconds(100),
            RetryMaxDelay = TimeSpan.FromSeconds(5),
        };
        configure?.Invoke(options);
        return options;
    }

    public Route53Provider Create(Action<Route53ProviderOptions>? configure = null)
    {
        var factory = Logs.CreateFactory();
        _owned.Add(factory);
        var provider = new Route53Provider(Options(configure), Time, factory, Counter, RateLimiters);
        _owned.Add(provider);
        return provider;
    }

    public void Dispose()
    {
        foreach (var d in Enumerable.Reverse(_owned))
        {
            d.Dispose();
        }
    }
}
