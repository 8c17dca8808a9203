namespace Ccx.Dns.TestServers;

/// <summary>
/// A <see cref="MotoServer"/> with the project's <see cref="Route53RuleProxy"/> in front of it (Route 53's rules, which
/// moto does not enforce, and wire faults): providers under test talk to <see cref="Route53RuleProxy.Endpoint"/>, zones
/// are set up and audited on the emulator directly. Disposes both.
/// </summary>
public sealed class MotoBehindRuleProxy : IAsyncDisposable
{
    private MotoBehindRuleProxy(MotoServer moto, Route53RuleProxy proxy)
    {
        Moto = moto;
        Proxy = proxy;
    }

    /// <summary>The emulator itself (no Route 53 rules): for setting up and reading zones out of band.</summary>
    public MotoServer Moto { get; }

    /// <summary>The rule-enforcing, fault-injecting proxy in front of the emulator: what providers under test talk to.</summary>
    public Route53RuleProxy Proxy { get; }

    /// <summary>Starts moto_server and the proxy; fails naming the missing prerequisite when moto is not installed.</summary>
    /// <returns>The running pair.</returns>
    public static async Task<MotoBehindRuleProxy> StartAsync()
    {
        var moto = await MotoServer.StartAsync().ConfigureAwait(false);
        return new MotoBehindRuleProxy(moto, Route53RuleProxy.Start(moto.Endpoint));
    }

    /// <summary>Drops every zone and record on the emulator and resets the proxy's counters, faults and hooks.</summary>
    /// <returns>A task that completes when both are reset.</returns>
    public Task ResetAsync()
    {
        Proxy.Reset();
        return Moto.ResetAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync().ConfigureAwait(false);
        await Moto.DisposeAsync().ConfigureAwait(false);
    }
}
