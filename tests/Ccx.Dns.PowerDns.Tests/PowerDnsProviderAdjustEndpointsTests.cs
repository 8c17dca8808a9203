using Ccx.Dns.Endpoints;
using Ccx.Dns.Providers.PowerDns;

namespace Ccx.Dns.PowerDns.Tests;

public sealed class PowerDnsProviderAdjustEndpointsTests
{
    // AdjustEndpoints does no I/O: the provider never contacts this address.
    private static PowerDnsProvider CreateProvider() => new(new PowerDnsProviderOptions { ApiUrl = "http://127.0.0.1:9", ApiKey = "k" });

    private static DnsEndpoint Adjust(DnsEndpoint endpoint)
    {
        using var provider = CreateProvider();
        return Assert.Single(provider.AdjustEndpoints([endpoint]));
    }

    [Fact]
    public void AdjustEndpoints_PlainTxt_BecomesQuotedPresentation()
    {
        var adjusted = Adjust(new DnsEndpoint("t.example.org", RecordType.TXT, "v=spf1 include:_spf.example.net ~all", "say \"hi\""));
        Assert.Equal(["\"v=spf1 include:_spf.example.net ~all\"", "\"say \\\"hi\\\"\""], adjusted.Targets);
    }

    [Fact]
    public void AdjustEndpoints_CanonicalEndpoint_ReturnedAsIs()
    {
        var endpoint = new DnsEndpoint("t.example.org", RecordType.TXT, "\"already quoted\"") { Ttl = 60 };
        Assert.Same(endpoint, Adjust(endpoint));
        var mx = new DnsEndpoint("example.org", RecordType.MX, "10 mail.example.org");
        Assert.Same(mx, Adjust(mx));
    }

    [Fact]
    public void AdjustEndpoints_MxSrvAaaa_TakeTheFormGetRecordsReturns()
    {
        Assert.Equal(["10 mail.example.org"], Adjust(new DnsEndpoint("example.org", RecordType.MX, "10   mail.example.org")).Targets);
        Assert.Equal(["0 5 443 h.example.org."], Adjust(new DnsEndpoint("_x._tcp.example.org", RecordType.SRV, "0 5 443 h.example.org")).Targets);
        Assert.Equal(["2001:db8::1"], Adjust(new DnsEndpoint("v6.example.org", RecordType.AAAA, "2001:DB8::0:1")).Targets);
    }

    [Fact]
    public void AdjustEndpoints_DuplicateTargets_Removed()
    {
        var adjusted = Adjust(new DnsEndpoint("a.example.org", RecordType.A, "192.0.2.1", "192.0.2.1", "192.0.2.2"));
        Assert.Equal(["192.0.2.1", "192.0.2.2"], adjusted.Targets);
    }

    [Fact]
    public void AdjustEndpoints_TtlAndLabels_Untouched()
    {
        var endpoint = new DnsEndpoint("a.example.org", RecordType.TXT, "x") { Ttl = 0 }.WithLabel("owner", "me");
        var adjusted = Adjust(endpoint);
        Assert.Equal(0, adjusted.Ttl);
        Assert.Equal("me", adjusted.Owner);
    }

    [Fact]
    public void AdjustEndpoints_ForeignProviderSpecific_Dropped()
    {
        var endpoint = new DnsEndpoint("a.example.org", RecordType.A, "192.0.2.1")
            .WithProviderSpecific("aws/weight", "10")
            .WithProviderSpecific(ProviderSpecificNames.Alias, "false");
        Assert.Empty(Adjust(endpoint).ProviderSpecific);
        Assert.Empty(Adjust(new DnsEndpoint("c.example.org", RecordType.CNAME, "x.example.net").WithProviderSpecific(ProviderSpecificNames.Alias, "false")).ProviderSpecific);
    }

    [Fact]
    public void AdjustEndpoints_AliasCname_KeepsOnlyAliasTrueAndSaysItIsWrittenAsAlias()
    {
        var endpoint = new DnsEndpoint("c.example.org", RecordType.CNAME, "lb.example.net.")
            .WithProviderSpecific("aws/evaluate-target-health", "true")
            .WithProviderSpecific(ProviderSpecificNames.Alias, "true");

        var adjusted = Adjust(endpoint);

        Assert.Equal([new ProviderSpecificProperty(ProviderSpecificNames.Alias, "true"), new ProviderSpecificProperty(ProviderSpecificNames.WrittenAs, "ALIAS")], adjusted.ProviderSpecific);
        Assert.Equal(["lb.example.net"], adjusted.Targets);
    }
}
