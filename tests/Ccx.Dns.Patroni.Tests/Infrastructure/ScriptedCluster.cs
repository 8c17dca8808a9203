using System.Globalization;
using Ccx.Dns.Patroni;
using Ccx.Dns.TestServers;
using Microsoft.Extensions.Options;

namespace Ccx.Dns.Patroni.Tests.Infrastructure;

/// <summary>A scripted Patroni cluster: one <see cref="ScriptedPatroniMember"/> per member, a source over it, a manual clock and a capturing logger.</summary>
public sealed class ScriptedCluster : IAsyncDisposable
{
    public const string Domain = "db.patroni.test";

    private ScriptedCluster(int members)
    {
        Members = [.. Enumerable.Range(1, members).Select(i => new ScriptedPatroniMember("n" + i.ToString(CultureInfo.InvariantCulture)))];
    }

    public Guid Id { get; } = Guid.NewGuid();

    public IReadOnlyList<ScriptedPatroniMember> Members { get; }

    public ManualTimeProvider Clock { get; } = new();

    public CapturingLogger<PatroniSource> Logger { get; } = new();

    public string PrimaryName => Id.ToString("D") + "." + Domain;

    public string ReplicaName => "replica." + PrimaryName;

    public static ScriptedCluster Start(int members = 2) => new(members);

    /// <summary>The address member <paramref name="index"/> (0-based) publishes: 127.0.10.(index+1).</summary>
    public static string Host(int index) => string.Create(CultureInfo.InvariantCulture, $"127.0.10.{index + 1}");

    public MemberEntry Leader(int index, string state = "running") =>
        new(Members[index].Name, "leader", Host(index), Members[index].ApiUrl, state);

    public MemberEntry Replica(int index, object? lag = null, string state = "running") =>
        new(Members[index].Name, "replica", Host(index), Members[index].ApiUrl, state) { Lag = lag ?? 0L };

    /// <summary>Every member answers the same view (as every Patroni member answers for the whole cluster).</summary>
    public void AnswerAll(params MemberEntry[] members)
    {
        var body = PatroniJson.Cluster(members);
        foreach (var member in Members)
        {
            member.Answer(body);
        }
    }

    public PatroniSourceOptions Options(Action<PatroniSourceOptions>? configure = null)
    {
        var options = new PatroniSourceOptions();
        var datastore = new PatroniDatastoreOptions { Id = Id, UserDomain = Domain };
        foreach (var member in Members)
        {
            datastore.RestApiUrls.Add(member.Url);
        }

        options.Datastores.Add(datastore);
        configure?.Invoke(options);
        return options;
    }

    public PatroniSource CreateSource(
        Action<PatroniSourceOptions>? configure = null,
        Ccx.Dns.Providers.IDnsProvider? seedProvider = null,
        System.Diagnostics.Metrics.IMeterFactory? meterFactory = null) =>
        new(Microsoft.Extensions.Options.Options.Create(Options(configure)), null, Clock, Logger, meterFactory, seedProvider);

    public async ValueTask DisposeAsync()
    {
        foreach (var member in Members)
        {
            await member.DisposeAsync();
        }
    }
}
