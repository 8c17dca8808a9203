using System.Security.Cryptography;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Planning;
using Ccx.Dns.Providers.InMemory;
using Ccx.Dns.Registry.Txt;

namespace Ccx.Dns.Tests.Registry.Txt;

/// <summary>
/// How the TXT registry reads a zone it shares with ExternalDNS, case by case as docs/migrating-from-externaldns.md
/// lists them ("Reading a zone ExternalDNS also reads"): where it reads as ExternalDNS does, and the few places it does
/// not.
/// </summary>
public sealed class SharedZoneReadingTests
{
    private const string Zone = "example.org";
    private const string Ext = "\"heritage=external-dns,external-dns/owner=ext,external-dns/resource=x\"";

    private static async Task<IReadOnlyList<DnsEndpoint>> ReadAsync(Action<TxtRegistryOptions>? configure, params DnsEndpoint[] records)
    {
        var provider = new InMemoryDnsProvider([Zone]);
        await provider.ApplyChangesAsync(new DnsChanges { Create = records });
        var options = new TxtRegistryOptions { OwnerId = "ext" };
        configure?.Invoke(options);
        return await new TxtRegistry(provider, options).GetRecordsAsync();
    }

    private static DnsEndpoint Txt(string name, string text = Ext) => new(name, RecordType.TXT, text);

    [Theory]
    [InlineData("a.example.org")]
    [InlineData("mx.example.org")]
    [InlineData("ns-1.example.org")] // ExternalDNS's quirk, kept: read as the typed ownership of 1.example.org NS
    public async Task LegacyTxtWhoseFirstLabelIsATypeName_NoAffix_ReadAsExternalDnsDoes(string name)
    {
        var records = await ReadAsync(null, new DnsEndpoint(name, RecordType.A, "10.0.0.1"), Txt(name));

        var record = Assert.Single(records, r => r.RecordType == RecordType.A);
        // "a.example.org" and "mx.example.org": split at "-" the first piece is the whole name, so it is the legacy
        // ownership of the record at that very name; "ns-1" starts with a type and a dash, so it is not.
        Assert.Equal(name.StartsWith("ns-", StringComparison.Ordinal) ? null : "ext", record.Owner);
    }

    [Theory]
    [InlineData("a.example.org", "A")]
    [InlineData("mx.example.org", "MX")]
    public async Task LegacyTxtWhoseFirstLabelIsATypeName_TemplatedPrefixEndingInADot_IsTheTypedOwnershipOfTheParent(string name, string type)
    {
        // With the prefix "%{record_type}." ExternalDNS reads "a.example.org" as the A ownership of example.org; so does this.
        var apex = new DnsEndpoint(Zone, RecordType.Parse(type), type == "MX" ? "10 mx.example.net" : "10.0.0.9");
        var records = await ReadAsync(o => { o.Prefix = "%{record_type}."; o.ManagedRecordTypes.Add("MX"); }, new DnsEndpoint(name, RecordType.A, "10.0.0.1"), apex, Txt(name));

        Assert.Null(Assert.Single(records, r => r.DnsName == name).Owner);
        Assert.Equal("ext", Assert.Single(records, r => r.DnsName == Zone).Owner);
    }

    [Fact]
    public async Task CaaOwnershipName_ReadAsTheCaaRecordsOwnership_NotAsALegacyName()
    {
        // Differs from ExternalDNS, which knows no CAA in its name mapper and reads "caa-foo" as the legacy ownership of a
        // record literally named caa-foo.example.org. Such a record is read here without an owner (left alone).
        var records = await ReadAsync(null,
            new DnsEndpoint("foo.example.org", RecordType.CAA, "0 issue \"letsencrypt.org\""),
            new DnsEndpoint("caa-foo.example.org", RecordType.A, "10.0.0.1"),
            Txt("caa-foo.example.org"));

        Assert.Equal("ext", Assert.Single(records, r => r.RecordType == RecordType.CAA).Owner);
        Assert.Null(Assert.Single(records, r => r.DnsName == "caa-foo.example.org").Owner);
    }

    [Fact]
    public async Task OldOwnerRecords_ReadAsOursWithTheMigrationMarker()
    {
        // ExternalDNS rewrites the owner label the same way but marks nothing: its planner updates every owned record while
        // --migrate-from-txt-owner is set. Here the registry marks each old-owner record once (txt/force-update).
        var records = await ReadAsync(o => { o.OwnerId = "new"; o.OldOwnerId = "ext"; },
            new DnsEndpoint("db.example.org", RecordType.A, "10.0.0.1"), Txt("a-db.example.org"));

        var record = Assert.Single(records);
        Assert.Equal("new", record.Owner);
        Assert.True(record.TryGetProviderSpecific(ProviderSpecificNames.TxtForceUpdate, out var marker));
        Assert.Equal("true", marker);
    }

    [Theory]
    [InlineData("\"heritage=external-dns,external-dns/owner=,external-dns/resource=x\"", "")]
    [InlineData("\"heritage=external-dns,external-dns/resource=x\"", null)]
    public async Task EmptyOrMissingOwnerLabel_ReadAsExternalDnsDoes_NeverOurs(string text, string? owner)
    {
        // ExternalDNS run with --txt-owner-id="" writes owner= (empty). Ccx.Dns requires a non-empty owner id, so such
        // records are never ours; a missing owner label is no owner at all.
        var records = await ReadAsync(o => o.OwnerId = "cp", new DnsEndpoint("e.example.org", RecordType.A, "10.0.0.1"), Txt("a-e.example.org", text));

        var record = Assert.Single(records);
        Assert.Equal(owner, record.Owner);
        Assert.False(record.IsOwnedBy("cp"));
        Assert.Contains(new TxtRegistryOptionsValidator().Validate(null, new TxtRegistryOptions { OwnerId = "" }).Failures!, f => f.Contains("OwnerId must be set", StringComparison.Ordinal));
    }

    [Fact]
    public void AesKeyWithSurroundingSpaces_RefusedAsExternalDnsRefusesIt()
    {
        var base64 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var validator = new TxtRegistryOptionsValidator();

        var spaced = validator.Validate(null, new TxtRegistryOptions { OwnerId = "cp", EncryptionEnabled = true, EncryptionAesKey = " " + base64 + " " });
        var plain = validator.Validate(null, new TxtRegistryOptions { OwnerId = "cp", EncryptionEnabled = true, EncryptionAesKey = base64 });
        var raw = validator.Validate(null, new TxtRegistryOptions { OwnerId = "cp", EncryptionEnabled = true, EncryptionAesKey = "0123456789abcdef 123456789abcdef" });

        Assert.True(spaced.Failed); // .NET's base64 decoder would skip the spaces; Go's refuses them
        Assert.Contains("without spaces", Assert.Single(spaced.Failures!), StringComparison.Ordinal);
        Assert.DoesNotContain(base64, Assert.Single(spaced.Failures!), StringComparison.Ordinal);
        Assert.True(plain.Succeeded);
        Assert.True(raw.Succeeded); // 32 raw characters are the key as they are, spaces included, in both
    }
}
