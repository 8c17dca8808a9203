using System.Diagnostics.Metrics;
using System.Globalization;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Providers;
using Ccx.Dns.Sources.Datastore;
using Ccx.Dns.Patroni.Internal;
using Ccx.Dns.Sources;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Ccx.Dns.Patroni;

/// <summary>
/// Publishes the names of PostgreSQL clusters managed by Patroni: for each configured datastore it reads Patroni's
/// <c>GET /cluster</c> from the members' REST APIs and publishes, through the datastore naming rules
/// (<see cref="DatastoreNamingSource"/>), <c>&lt;id&gt;.&lt;user domain&gt;</c> at the leader and
/// <c>replica.&lt;id&gt;.&lt;user domain&gt;</c> at the running replicas. Thread-safe.
/// </summary>
/// <remarks>
/// <para><b>Reads.</b> A read asks every configured member at once. The leader is the member every answer names as
/// <c>leader</c>; the replicas are the other members that are running (<c>running</c>/<c>streaming</c>), not tagged
/// <c>noloadbalance</c>, within the lag limit (<see cref="PatroniSourceOptions.MaxReplicaLagBytes"/>) and healthy for
/// <see cref="PatroniSourceOptions.ReplicaPublishAfterReads"/> reads in a row once they were left out. A member is
/// published only when its own REST API answered the read (members are matched to the configured URLs by the host and
/// port of their <c>api_url</c>); the address published is the <c>host</c> Patroni reports (from
/// <c>postgresql.connect_address</c>), so all members should listen on the same PostgreSQL port.</para>
/// <para><b>Keeping the last state.</b> When no member answers usably, when the answers name no leader, different
/// leaders, or a leader whose REST API did not answer, nothing of the datastore changes: the last published state is
/// kept (never "no primary"), and the condition is reported (<see cref="Statuses"/>, the health check, the
/// <c>Ccx.Dns.Patroni</c> meter). After a restart, a datastore that cannot be read keeps what DNS publishes: the first
/// full read of the source takes its records from the DNS provider given as <c>seedProvider</c>.</para>
/// <para><b>Standby clusters.</b> A <c>standby_leader</c> (the read-only head of a Patroni standby cluster) is published
/// as <see cref="PatroniSourceOptions.StandbyLeaderRole"/> says: among the replicas with no primary record (default), or
/// as the primary.</para>
/// <para><b>Change detection.</b> <see cref="PollAsync"/> reads every datastore every
/// <see cref="PatroniSourceOptions.PollInterval"/> (the builder's hosted service runs it), and
/// <see cref="RefreshAsync"/> reads one at once (wire Patroni's <c>on_role_change</c> callback to it, for example
/// through <see cref="PatroniCallbackListener"/>). <see cref="Changed"/> is raised only when a published record changes,
/// naming the datastore's two names (<see cref="EndpointsChangedEventArgs"/>), so the reconciler runs a targeted
/// reconcile of them.</para>
/// </remarks>
public sealed class PatroniSource : IScopedEndpointSource, IDisposable
{
    private readonly DatastoreNamingSource _naming;
    private readonly DatastoreState[] _datastores;
    private readonly Dictionary<Guid, DatastoreState> _byId;
    private readonly PatroniSourceOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly PatroniRestClient _client;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly PatroniTelemetry _telemetry;
    private readonly IDnsProvider? _seedProvider;
    private readonly SemaphoreSlim _requests;
    private readonly Lock _initGate = new();
    private Task? _initialization;

    /// <summary>Creates the source.</summary>
    /// <param name="options">The options; validated here.</param>
    /// <param name="httpClient">The client for the REST API requests (for TLS settings or a custom handler); one that follows no redirects is created when null. It should not follow redirects.</param>
    /// <param name="timeProvider">The clock for polling and request timeouts; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="meterFactory">Creates the <c>Ccx.Dns.Patroni</c> meter; a meter of its own when null.</param>
    /// <param name="seedProvider">
    /// The DNS provider whose records are kept for a datastore that cannot be read when the source starts (so that a
    /// restart while a cluster is unreachable does not withdraw its names). Without one, such a datastore publishes
    /// nothing until it is read.
    /// </param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public PatroniSource(
        IOptions<PatroniSourceOptions> options,
        HttpClient? httpClient = null,
        TimeProvider? timeProvider = null,
        ILogger<PatroniSource>? logger = null,
        IMeterFactory? meterFactory = null,
        IDnsProvider? seedProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        var errors = PatroniSourceOptionsValidator.Collect(value);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(MsOptions.DefaultName, typeof(PatroniSourceOptions), errors);
        }

        _options = value;
        _naming = new DatastoreNamingSource(MsOptions.Create(value.Naming));
        _naming.Changed += (_, e) => Changed?.Invoke(this, e);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _seedProvider = seedProvider;
        _ownsHttp = httpClient is null;
        _http = httpClient ?? PatroniRestClient.CreateDefaultHttpClient(value.RequestTimeout);
        _client = new PatroniRestClient(_http, value.RequestTimeout, _timeProvider);
        _requests = new SemaphoreSlim(value.MaxConcurrentRequests, value.MaxConcurrentRequests);
        _datastores = [.. value.Datastores.Select(d => new DatastoreState(
            d.Id,
            d.UserDomain!.Trim(),
            [.. d.RestApiUrls.Select(u => PatroniSourceOptionsValidator.TryParseUrl(u, out _)!)],
            d.MaxReplicaLagBytes ?? value.MaxReplicaLagBytes,
            _naming))];
        _byId = _datastores.ToDictionary(d => d.Id);
        _telemetry = new PatroniTelemetry(meterFactory, () => _datastores.Count(d => d.Status.IsHolding));
    }

    /// <inheritdoc />
    public event EventHandler? Changed;

    /// <summary>The configured datastores' ids, in configuration order.</summary>
    public IReadOnlyList<Guid> DatastoreIds => [.. _datastores.Select(d => d.Id)];

    /// <summary>What the last read of each datastore found, in configuration order.</summary>
    public IReadOnlyList<PatroniDatastoreStatus> Statuses => [.. _datastores.Select(d => d.Status)];

    /// <summary>The options in force.</summary>
    public PatroniSourceOptions Options => _options;

    /// <summary>What the last read of one datastore found.</summary>
    /// <param name="datastoreId">The datastore's id.</param>
    /// <returns>The status.</returns>
    /// <exception cref="KeyNotFoundException">No datastore has that id.</exception>
    public PatroniDatastoreStatus GetStatus(Guid datastoreId) => Find(datastoreId).Status;

    /// <summary>
    /// Reads one datastore's cluster now and publishes what it finds (or keeps the last state); the call Patroni's
    /// <c>on_role_change</c> callback should lead to. Reads of one datastore never overlap: a refresh during a poll
    /// waits for it and then reads again.
    /// </summary>
    /// <param name="datastoreId">The datastore's id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>What the read found.</returns>
    /// <exception cref="KeyNotFoundException">No datastore has that id.</exception>
    public async Task<PatroniDatastoreStatus> RefreshAsync(Guid datastoreId, CancellationToken cancellationToken = default)
    {
        var datastore = Find(datastoreId);
        await datastore.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ReadAndPublishAsync(datastore, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            datastore.Gate.Release();
        }
    }

    /// <summary>Reads every datastore now (at most <see cref="PatroniSourceOptions.MaxConcurrentRequests"/> requests at once).</summary>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>What each read found, in configuration order.</returns>
    public async Task<IReadOnlyList<PatroniDatastoreStatus>> RefreshAllAsync(CancellationToken cancellationToken = default) =>
        await Task.WhenAll(_datastores.Select(d => RefreshAsync(d.Id, cancellationToken))).ConfigureAwait(false);

    /// <summary>
    /// Reads every datastore every <see cref="PatroniSourceOptions.PollInterval"/> (counted from the end of its previous
    /// read) until <paramref name="stoppingToken"/> is cancelled. The builder's hosted service runs it; a read that fails
    /// unexpectedly is logged and the next poll tries again.
    /// </summary>
    /// <param name="stoppingToken">Stops polling.</param>
    /// <returns>A task that completes when polling stops.</returns>
    public async Task PollAsync(CancellationToken stoppingToken)
    {
        Log.PollingStarted(_logger, _datastores.Length, _options.PollInterval);
        try
        {
            await EnsureInitializedAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
#pragma warning disable CA1031 // a failed start (the DNS provider could not be read) is retried by the reconciler's reads; polling goes on
        catch (Exception)
#pragma warning restore CA1031
        {
            // Logged where it happened (SeedFailed).
        }

        await Task.WhenAll(_datastores.Select(d => PollDatastoreAsync(d, stoppingToken))).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>The first call waits until every datastore has been read once (by this call, a poll or a refresh) and, for one that could not be read, its records taken from DNS.</remarks>
    public async Task<IReadOnlyList<DnsEndpoint>> GetEndpointsAsync(CancellationToken cancellationToken = default)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await _naming.GetEndpointsAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ScopedEndpoints> GetEndpointsAsync(IReadOnlySet<string> names, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(names);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        return await _naming.GetEndpointsAsync(names, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }

        _telemetry.Dispose();
    }

    /// <summary>Reads every datastore not read yet once (the first caller starts it; a failed start is tried again by the next caller).</summary>
    internal Task EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        Task initialization;
        lock (_initGate)
        {
            if (_initialization is null || _initialization.IsFaulted || _initialization.IsCanceled)
            {
                // Not tied to one caller's token: every read in it is bounded by the request timeout.
                _initialization = InitializeAsync();
            }

            initialization = _initialization;
        }

        return initialization.IsCompletedSuccessfully ? Task.CompletedTask : initialization.WaitAsync(cancellationToken);
    }

    private async Task InitializeAsync()
    {
        await Task.WhenAll(_datastores.Select(ReadIfNotReadAsync)).ConfigureAwait(false);
        var unpublished = _datastores.Where(d => d.Status.Published is null && d.Status.Condition != PatroniClusterCondition.Published).ToList();
        if (unpublished.Count == 0 || _seedProvider is null)
        {
            return;
        }

        IReadOnlyList<DnsEndpoint> records;
        try
        {
            records = await _seedProvider.GetRecordsAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.SeedFailed(_logger, unpublished.Count, ex);
            throw;
        }

        foreach (var datastore in unpublished)
        {
            await datastore.Gate.WaitAsync().ConfigureAwait(false);
            try
            {
                Seed(datastore, records);
            }
            finally
            {
                datastore.Gate.Release();
            }
        }
    }

    /// <summary>Reads a datastore unless a poll or a refresh already did.</summary>
    private async Task ReadIfNotReadAsync(DatastoreState datastore)
    {
        await datastore.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (datastore.Status.Condition == PatroniClusterCondition.NotRead)
            {
                await ReadAndPublishAsync(datastore, CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            datastore.Gate.Release();
        }
    }

    /// <summary>Publishes what DNS holds at the datastore's names, when nothing has been published for it since start.</summary>
    private void Seed(DatastoreState datastore, IReadOnlyList<DnsEndpoint> records)
    {
        var status = datastore.Status;
        if (status.Published is not null)
        {
            return;
        }

        string? primary = null;
        var replicas = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            if (record.RecordType != RecordType.A && record.RecordType != RecordType.AAAA && record.RecordType != RecordType.CNAME)
            {
                continue;
            }

            var name = DnsNames.Normalize(record.DnsName);
            if (string.Equals(name, datastore.PrimaryName, StringComparison.Ordinal))
            {
                primary ??= record.Targets.Order(StringComparer.Ordinal).FirstOrDefault();
            }
            else if (string.Equals(name, datastore.ReplicaName, StringComparison.Ordinal))
            {
                replicas.UnionWith(record.Targets);
            }
        }

        if (primary is null && replicas.Count == 0)
        {
            return;
        }

        List<DatastoreNode> nodes = [.. replicas.Select(r => new DatastoreNode(r, DatastoreNodeRole.Replica))];
        if (primary is not null)
        {
            nodes.Insert(0, new DatastoreNode(primary, DatastoreNodeRole.Primary));
        }

        var cluster = new DatastoreCluster(datastore.Id, datastore.UserDomain, nodes);
        _naming.SetCluster(cluster);
        datastore.Status = status with { Published = cluster, PublishedFromDns = true };
        if (_logger.IsEnabled(LogLevel.Information))
        {
            var replicaList = string.Join(", ", replicas);
            Log.Seeded(_logger, datastore.Id, status.Condition, primary ?? "(none)", replicaList);
        }
    }

    private async Task PollDatastoreAsync(DatastoreState datastore, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.PollInterval, _timeProvider, stoppingToken).ConfigureAwait(false);
                await RefreshAsync(datastore.Id, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // polling must survive anything one read throws
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.ReadFailed(_logger, datastore.Id, ex);
            }
        }
    }

    private DatastoreState Find(Guid datastoreId) =>
        _byId.TryGetValue(datastoreId, out var datastore) ? datastore : throw new KeyNotFoundException($"no Patroni datastore {datastoreId} is configured");

    /// <summary>One read of a datastore; the caller holds its gate.</summary>
    private async Task<PatroniDatastoreStatus> ReadAndPublishAsync(DatastoreState datastore, CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        var reads = await Task.WhenAll(datastore.Urls.Select(url => ReadMemberAsync(url, cancellationToken))).ConfigureAwait(false);
        ReportMembers(datastore, reads);
        var now = _timeProvider.GetUtcNow();
        var decision = Decide(datastore, reads);
        var previous = datastore.Status;
        PatroniDatastoreStatus next;
        if (decision.Cluster is { } cluster)
        {
            var changed = _naming.SetCluster(cluster);
            if (changed)
            {
                _telemetry.Published();
                if (_logger.IsEnabled(LogLevel.Information))
                {
                    var primaryAddress = Primary(cluster);
                    var replicaAddresses = ReplicaAddresses(cluster);
                    Log.Publishing(_logger, datastore.Id, primaryAddress, replicaAddresses, decision.Detail);
                }
            }

            if (decision.Leader is not null && previous.Leader is not null && !string.Equals(previous.Leader, decision.Leader, StringComparison.Ordinal))
            {
                _telemetry.LeaderChanged();
                Log.LeaderChanged(_logger, datastore.Id, previous.Leader, decision.Leader);
            }

            if (previous.HoldingSince is { } since)
            {
                Log.Recovered(_logger, datastore.Id, now - since, decision.Detail);
            }

            datastore.CommitReplicas(decision.PublishedReplicas!);
            next = new PatroniDatastoreStatus(datastore.Id, decision.Condition, decision.Detail)
            {
                Leader = decision.Leader ?? previous.Leader,
                Published = cluster,
                LastReadAt = now,
                LastPublishedAt = now,
            };
        }
        else
        {
            if (!previous.IsHolding || previous.Condition != decision.Condition)
            {
                Log.Holding(_logger, datastore.Id, decision.Condition, previous.Published is { } kept ? Describe(kept) : "nothing published", decision.Detail);
            }

            next = previous with
            {
                Condition = decision.Condition,
                Detail = decision.Detail,
                LastReadAt = now,
                HoldingSince = previous.HoldingSince ?? now,
            };
        }

        datastore.Status = next;
        var elapsed = _timeProvider.GetElapsedTime(started);
        _telemetry.Read(decision.Condition, elapsed);
        Log.ReadDone(_logger, datastore.Id, decision.Condition, elapsed, decision.Detail);
        return next;
    }

    private async Task<PatroniMemberRead> ReadMemberAsync(Uri url, CancellationToken cancellationToken)
    {
        await _requests.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await _client.ReadAsync(url, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _requests.Release();
        }
    }

    /// <summary>Logs members that start or stop failing (not every failed read) and counts every failure.</summary>
    private void ReportMembers(DatastoreState datastore, PatroniMemberRead[] reads)
    {
        foreach (var read in reads)
        {
            if (read.Failure is { } failure)
            {
                _telemetry.MemberError(failure);
                if (datastore.FailingUrls.TryGetValue(read.Url, out var before) && before == failure)
                {
                    continue;
                }

                datastore.FailingUrls[read.Url] = failure;
                Log.MemberFailed(_logger, datastore.Id, read.Url, failure, read.Error ?? failure.ToString());
            }
            else
            {
                if (datastore.FailingUrls.Remove(read.Url))
                {
                    Log.MemberRecovered(_logger, datastore.Id, read.Url);
                }

                var skipped = read.View!.Skipped.Count == 0 ? null : string.Join("; ", read.View.Skipped);
                if (skipped is not null && !string.Equals(datastore.LastSkipped.GetValueOrDefault(read.Url), skipped, StringComparison.Ordinal))
                {
                    Log.MembersSkipped(_logger, datastore.Id, read.Url, skipped);
                }

                datastore.LastSkipped[read.Url] = skipped;
            }
        }
    }

    /// <summary>Turns the members' answers into the cluster to publish, or the reason to keep the last state.</summary>
    private Decision Decide(DatastoreState datastore, PatroniMemberRead[] reads)
    {
        var views = reads.Where(r => r.View is not null).ToList();
        if (views.Count == 0)
        {
            var reasons = string.Join("; ", reads.Select(r => $"{r.Url}: {r.Error}"));
            return Decision.Hold(PatroniClusterCondition.NoReachableMember, "no member gave a usable /cluster answer: " + reasons);
        }

        var heads = views.Select(r => r.View!.Head?.Name).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (heads.Count > 1)
        {
            var named = string.Join("; ", views.Select(r => $"{r.Url} names {r.View!.Head?.Name ?? "no leader"}"));
            return Decision.Hold(PatroniClusterCondition.ConflictingLeaders, "the members name different leaders: " + named);
        }

        if (heads.Count == 0)
        {
            var detail = string.Create(CultureInfo.InvariantCulture, $"{views.Count} of {reads.Length} members answered and none names a leader");
            if (!_options.WithdrawPrimaryWithoutLeader)
            {
                return Decision.Hold(PatroniClusterCondition.NoLeader, detail);
            }

            var leaderless = views[0].View!;
            var (orphans, orphanNames) = Replicas(datastore, leaderless, reads, head: null);
            return new Decision(PatroniClusterCondition.NoLeader, detail + "; the primary record is withdrawn",
                new DatastoreCluster(datastore.Id, datastore.UserDomain, orphans), null, orphanNames);
        }

        // Take the member list from the leader's own answer when it gave one, else from the first answer naming it.
        var headName = heads[0];
        var chosen = (views.FirstOrDefault(r => r.View!.Members.Any(m => m.Name == headName && Matches(r.Url, m.ApiUrl))) ?? views[0]).View!;
        var head = chosen.Head!;
        var headRead = ReadOf(datastore, reads, head);
        var kind = head.Role == PatroniMemberRole.StandbyLeader ? "standby leader" : "leader";
        if (headRead is not { Answered: true })
        {
            var why = headRead is null ? $"its api_url '{head.ApiUrl}' matches none of the configured RestApiUrls" : $"its REST API {headRead.Url} did not answer: {headRead.Error}";
            return Decision.Hold(PatroniClusterCondition.LeaderUnreachable, $"{kind} {head.Name} is not reachable: {why}");
        }

        if (head.Host is null)
        {
            return Decision.Hold(PatroniClusterCondition.LeaderUnreachable, $"{kind} {head.Name} has no host in /cluster (postgresql.connect_address)");
        }

        var (replicas, replicaNames) = Replicas(datastore, chosen, reads, head);
        var nodes = new List<DatastoreNode>(replicas.Count + 1);
        if (head.Role == PatroniMemberRole.Leader || _options.StandbyLeaderRole == PatroniStandbyLeaderRole.Primary)
        {
            nodes.Add(new DatastoreNode(head.Host, DatastoreNodeRole.Primary));
        }
        else
        {
            // A standby cluster: its head is read-only and is published among the replicas.
            nodes.Add(new DatastoreNode(head.Host, DatastoreNodeRole.Replica));
        }

        nodes.AddRange(replicas);
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"{kind} {head.Name} at {head.Host}; {replicaNames.Count} replica(s) published{(replicaNames.Count > 0 ? ": " + string.Join(", ", replicaNames.Order(StringComparer.Ordinal)) : string.Empty)}{(chosen.Paused ? "; Patroni is paused (maintenance mode)" : string.Empty)}");
        return new Decision(PatroniClusterCondition.Published, summary, new DatastoreCluster(datastore.Id, datastore.UserDomain, nodes), head.Name, replicaNames);
    }

    /// <summary>The replicas to publish from a view: running, reachable, balanced, within the lag limit, and stable once left out.</summary>
    private (List<DatastoreNode> Nodes, HashSet<string> Names) Replicas(DatastoreState datastore, PatroniClusterView view, PatroniMemberRead[] reads, PatroniMember? head)
    {
        var nodes = new List<DatastoreNode>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var healthy = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in view.Members)
        {
            if (ReferenceEquals(member, head) || member.Role != PatroniMemberRole.Replica || !member.IsRunning || member.Host is null || member.NoLoadBalance)
            {
                continue;
            }

            if (datastore.MaxLag is { } maxLag && (member.LagBytes is not { } lag || lag > maxLag))
            {
                continue;
            }

            if (ReadOf(datastore, reads, member) is not { Answered: true })
            {
                continue;
            }

            healthy.Add(member.Name);
            var needed = datastore.PublishedOnce ? _options.ReplicaPublishAfterReads : 1;
            var streak = datastore.Streak(member.Name) + 1;
            if (!datastore.PublishedReplicas.Contains(member.Name) && streak < needed)
            {
                Log.ReplicaPending(_logger, datastore.Id, member.Name, streak, needed);
                continue;
            }

            names.Add(member.Name);
            nodes.Add(new DatastoreNode(member.Host, DatastoreNodeRole.Replica));
        }

        datastore.PendingHealthy = healthy;
        return (nodes, names);
    }

    /// <summary>The read of the configured URL a member's <c>api_url</c> points at, or null (logged once per member) when none matches.</summary>
    private PatroniMemberRead? ReadOf(DatastoreState datastore, PatroniMemberRead[] reads, PatroniMember member)
    {
        foreach (var read in reads)
        {
            if (Matches(read.Url, member.ApiUrl))
            {
                return read;
            }
        }

        if (datastore.Unconfigured.Add(member.Name))
        {
            Log.MemberNotConfigured(_logger, datastore.Id, member.Name, member.ApiUrl ?? "(none)");
        }

        return null;
    }

    private static bool Matches(Uri configured, string? apiUrl) =>
        apiUrl is not null && Uri.TryCreate(apiUrl, UriKind.Absolute, out var api)
        && string.Equals(configured.IdnHost, api.IdnHost, StringComparison.OrdinalIgnoreCase) && configured.Port == api.Port;

    private static string Primary(DatastoreCluster cluster) => cluster.Primary?.Address ?? "(none)";

    private static string ReplicaAddresses(DatastoreCluster cluster) =>
        string.Join(", ", cluster.Nodes.Where(n => n.Role == DatastoreNodeRole.Replica).Select(n => n.Address));

    private static string Describe(DatastoreCluster cluster) => $"primary {Primary(cluster)}, replicas [{ReplicaAddresses(cluster)}]";

    /// <summary>The outcome of a read: a cluster to publish, or none (keep the last state) with the reason.</summary>
    private sealed record Decision(PatroniClusterCondition Condition, string Detail, DatastoreCluster? Cluster, string? Leader, HashSet<string>? PublishedReplicas)
    {
        public static Decision Hold(PatroniClusterCondition condition, string detail) => new(condition, detail, null, null, null);
    }

    /// <summary>One datastore's configuration and read state; mutated only by the holder of <see cref="Gate"/>.</summary>
    private sealed class DatastoreState
    {
        private PatroniDatastoreStatus _status;
        private Dictionary<string, int> _streaks = new(StringComparer.Ordinal);

        public DatastoreState(Guid id, string userDomain, Uri[] urls, long? maxLag, DatastoreNamingSource naming)
        {
            Id = id;
            UserDomain = userDomain;
            Urls = urls;
            MaxLag = maxLag;
            _status = new PatroniDatastoreStatus(id, PatroniClusterCondition.NotRead, "not read yet");

            // The names, as the naming rules make them (a cluster with one primary and one replica has both).
            var names = naming.EndpointsFor(new DatastoreCluster(id, userDomain, [new("192.0.2.1", DatastoreNodeRole.Primary), new("192.0.2.2", DatastoreNodeRole.Replica)]));
            PrimaryName = DnsNames.Normalize(names[0].DnsName);
            ReplicaName = DnsNames.Normalize(names[1].DnsName);
        }

        public Guid Id { get; }

        public string UserDomain { get; }

        public Uri[] Urls { get; }

        public long? MaxLag { get; }

        public string PrimaryName { get; }

        public string ReplicaName { get; }

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public PatroniDatastoreStatus Status
        {
            get => Volatile.Read(ref _status);
            set => Volatile.Write(ref _status, value);
        }

        public HashSet<string> PublishedReplicas { get; private set; } = new(StringComparer.Ordinal);

        public bool PublishedOnce { get; private set; }

        /// <summary>The replicas the current read found healthy (published or not), set by <see cref="Replicas"/>.</summary>
        public HashSet<string> PendingHealthy { get; set; } = new(StringComparer.Ordinal);

        public Dictionary<Uri, PatroniReadFailure> FailingUrls { get; } = [];

        public Dictionary<Uri, string?> LastSkipped { get; } = [];

        public HashSet<string> Unconfigured { get; } = new(StringComparer.Ordinal);

        public int Streak(string member) => _streaks.GetValueOrDefault(member);

        /// <summary>After a read that published: the published replicas, and the healthy streaks (a replica not healthy in this read starts again from zero).</summary>
        public void CommitReplicas(HashSet<string> published)
        {
            var streaks = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var member in PendingHealthy)
            {
                streaks[member] = _streaks.GetValueOrDefault(member) + 1;
            }

            _streaks = streaks;
            PublishedReplicas = published;
            PublishedOnce = true;
        }
    }
}
