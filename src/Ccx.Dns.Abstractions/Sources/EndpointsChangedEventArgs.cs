using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Sources;

/// <summary>
/// What a source's <see cref="IEndpointSource.Changed"/> signal says changed: the DNS names whose desired endpoints
/// may differ now, or nothing known (every name). A source raising plain <see cref="EventArgs"/> means "unknown".
/// </summary>
/// <remarks>
/// Naming the changed names lets the reconciler plan only those names (a targeted reconcile) instead of the whole
/// zone. A name must be listed when any endpoint at it was added, removed or changed; listing a name that did not
/// change is harmless. Names are compared as DNS names (case-insensitive, trailing dot ignored, IDN as punycode).
/// </remarks>
public sealed class EndpointsChangedEventArgs : EventArgs
{
    /// <summary>A signal that names nothing: every name may have changed.</summary>
    public static new EndpointsChangedEventArgs Empty { get; } = new();

    private EndpointsChangedEventArgs()
    {
    }

    /// <summary>Creates a signal naming the changed names.</summary>
    /// <param name="names">The names whose desired endpoints may have changed.</param>
    public EndpointsChangedEventArgs(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            ArgumentNullException.ThrowIfNull(name, nameof(names));
            set.Add(DnsNames.Normalize(name));
        }

        Names = set;
    }

    /// <summary>The changed names, normalised (<see cref="DnsNames.Normalize"/>); <see langword="null"/> when unknown.</summary>
    public IReadOnlySet<string>? Names { get; }

    /// <summary>Whether the signal names what changed.</summary>
    public bool NamesKnown => Names is not null;

    /// <summary>The names a signal carries: the names of an <see cref="EndpointsChangedEventArgs"/>, or <see langword="null"/> for any other (unknown).</summary>
    /// <param name="e">The event arguments a source raised.</param>
    /// <returns>The changed names, or <see langword="null"/> when unknown.</returns>
    public static IReadOnlySet<string>? NamesOf(EventArgs? e) => (e as EndpointsChangedEventArgs)?.Names;
}
