namespace Ccx.Dns.Planning;

/// <summary>Full synchronisation (ExternalDNS <c>sync</c>): creates, updates and deletes pass.</summary>
public sealed class SyncPolicy : IPlanPolicy
{
    /// <summary>The shared instance.</summary>
    public static SyncPolicy Instance { get; } = new();

    /// <inheritdoc />
    public string Name => "sync";

    /// <inheritdoc />
    public DnsChanges Apply(DnsChanges changes) => changes;
}

/// <summary>Never delete (ExternalDNS <c>upsert-only</c>): creates and updates pass, deletes are dropped.</summary>
public sealed class UpsertOnlyPolicy : IPlanPolicy
{
    /// <summary>The shared instance.</summary>
    public static UpsertOnlyPolicy Instance { get; } = new();

    /// <inheritdoc />
    public string Name => "upsert-only";

    /// <inheritdoc />
    public DnsChanges Apply(DnsChanges changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return changes.Delete.Count == 0 ? changes : changes with { Delete = [] };
    }
}

/// <summary>Only create (ExternalDNS <c>create-only</c>): updates and deletes are dropped.</summary>
public sealed class CreateOnlyPolicy : IPlanPolicy
{
    /// <summary>The shared instance.</summary>
    public static CreateOnlyPolicy Instance { get; } = new();

    /// <inheritdoc />
    public string Name => "create-only";

    /// <inheritdoc />
    public DnsChanges Apply(DnsChanges changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return new DnsChanges { Create = changes.Create };
    }
}

/// <summary>Looks up the built-in policies by their ExternalDNS names.</summary>
public static class PlanPolicies
{
    /// <summary>The names accepted by <see cref="FromName"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["sync", "upsert-only", "create-only"];

    /// <summary>Returns the policy with the given name.</summary>
    /// <param name="name"><c>sync</c>, <c>upsert-only</c> or <c>create-only</c> (case-insensitive).</param>
    /// <returns>The policy.</returns>
    /// <exception cref="ArgumentException">The name is not a known policy.</exception>
    public static IPlanPolicy FromName(string name) => name?.Trim().ToUpperInvariant() switch
    {
        "SYNC" => SyncPolicy.Instance,
        "UPSERT-ONLY" => UpsertOnlyPolicy.Instance,
        "CREATE-ONLY" => CreateOnlyPolicy.Instance,
        _ => throw new ArgumentException($"unknown plan policy '{name}' (one of: {string.Join(", ", Names)})", nameof(name)),
    };
}
