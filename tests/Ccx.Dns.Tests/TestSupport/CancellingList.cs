using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Tests.TestSupport;

/// <summary>A list that runs an action (cancels a token) when the element at a given position is read: its reader is part-way through.</summary>
internal sealed class CancellingList(IReadOnlyList<DnsEndpoint> items, int at, Action cancel) : IReadOnlyList<DnsEndpoint>
{
    public int Count => items.Count;

    public DnsEndpoint this[int index]
    {
        get
        {
            if (index == at)
            {
                cancel();
            }

            return items[index];
        }
    }

    public IEnumerator<DnsEndpoint> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
