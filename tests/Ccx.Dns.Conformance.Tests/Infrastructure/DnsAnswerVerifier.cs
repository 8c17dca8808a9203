using System.Globalization;
using System.Text;
using Ccx.Dns.Endpoints;
using Ccx.Dns.Rfc2136;
using Ccx.Dns.Testing;

namespace Ccx.Dns.Conformance.Tests.Infrastructure;

/// <summary>
/// Checks a sample of a step's records with real DNS queries (UDP, <see cref="DnsQuery"/>) against the server the
/// provider wrote to: expected record sets answer with the expected data and TTL, removed ones no longer answer.
/// </summary>
internal sealed class DnsAnswerVerifier(DnsQuery query, Func<string, string> txtToWireText)
{
    private const int SampleSize = 6;
    private static readonly HashSet<RecordType> Queryable = [RecordType.A, RecordType.AAAA, RecordType.CNAME, RecordType.TXT, RecordType.MX, RecordType.SRV, RecordType.CAA, RecordType.PTR];

    /// <summary>The number of queries asked so far.</summary>
    public int Queries => _queries;

    private int _queries;

    public async Task VerifyAsync(ConformanceStepContext context, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var want in Sample(context.Expected.Where(e => Queryable.Contains(e.RecordType)).ToList()))
        {
            var name = QueryName(want.DnsName);
            Interlocked.Increment(ref _queries);
            var answer = await query.GetEndpointAsync(name, want.RecordType, cancellationToken);
            if (answer is null)
            {
                problems.Add($"{name} {want.RecordType}: no answer, want [{string.Join(", ", want.Targets)}]");
                continue;
            }

            var wantTargets = want.Targets.Select(t => Normalize(want.RecordType, t, txtToWireText)).Order(StringComparer.Ordinal).ToList();
            var haveTargets = answer.Targets.Select(t => Normalize(want.RecordType, t, static s => s)).Order(StringComparer.Ordinal).ToList();
            if (!wantTargets.SequenceEqual(haveTargets, StringComparer.Ordinal))
            {
                problems.Add($"{name} {want.RecordType}: DNS answers [{string.Join(", ", haveTargets)}], want [{string.Join(", ", wantTargets)}]");
            }
            else if (want.IsTtlConfigured && answer.Ttl != want.Ttl)
            {
                problems.Add($"{name} {want.RecordType}: DNS answers TTL {answer.Ttl}, want {want.Ttl}");
            }
        }

        foreach (var gone in Sample(context.Removed.Where(k => Queryable.Contains(k.RecordType)).ToList()))
        {
            var name = QueryName(gone.DnsName);
            Interlocked.Increment(ref _queries);
            var answer = await query.GetEndpointAsync(name, gone.RecordType, cancellationToken);
            if (answer is not null)
            {
                problems.Add($"{name} {gone.RecordType}: still answers [{string.Join(", ", answer.Targets)}] after deletion");
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("real DNS queries disagree with the desired state:\n  " + string.Join("\n  ", problems));
        }
    }

    /// <summary>PowerDNS TXT targets are presentation text (<c>"a \"b\""</c>); the wire carries the unescaped text.</summary>
    public static string UnquotePresentation(string target)
    {
        if (target.Length < 2 || target[0] != '"' || target[^1] != '"')
        {
            return target;
        }

        var bytes = new List<byte>();
        var inQuotes = false;
        for (var i = 0; i < target.Length; i++)
        {
            var c = target[i];
            if (c == '"')
            {
                inQuotes = !inQuotes;
            }
            else if (!inQuotes)
            {
                // whitespace between character-strings
            }
            else if (c == '\\' && i + 3 < target.Length && char.IsAsciiDigit(target[i + 1]) && char.IsAsciiDigit(target[i + 2]) && char.IsAsciiDigit(target[i + 3]))
            {
                bytes.Add(byte.Parse(target.AsSpan(i + 1, 3), CultureInfo.InvariantCulture));
                i += 3;
            }
            else if (c == '\\' && i + 1 < target.Length)
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(target[++i].ToString()));
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }

    private static IEnumerable<T> Sample<T>(IReadOnlyList<T> items)
    {
        if (items.Count <= SampleSize)
        {
            return items;
        }

        var stride = items.Count / SampleSize;
        return Enumerable.Range(0, SampleSize).Select(i => items[i * stride]);
    }

    private static string QueryName(string dnsName) =>
        dnsName.StartsWith("*.", StringComparison.Ordinal) ? "wildcard-probe" + dnsName[1..] : dnsName;

    private static string Normalize(RecordType type, string target, Func<string, string> txt)
    {
        if (type == RecordType.TXT)
        {
            return txt(target);
        }

        if (type == RecordType.A || type == RecordType.AAAA)
        {
            return DnsTargets.TryParseIp(target, out var ip) ? ip.ToString() : target;
        }

        if (type == RecordType.CAA)
        {
            return string.Join(' ', target.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }

        return target.TrimEnd('.').ToLowerInvariant();
    }
}
