using System.Collections;

namespace Ccx.Dns.Endpoints;

/// <summary>
/// The targets of a record that has exactly one (nearly every A, AAAA, CNAME and TXT record): one reference, 24 bytes,
/// where a boxed one-element <see cref="System.Collections.Immutable.ImmutableArray{T}"/> costs 56. Immutable.
/// </summary>
internal sealed class OneTarget(string target) : IReadOnlyList<string>
{
    public string this[int index] => index == 0 ? target : throw new ArgumentOutOfRangeException(nameof(index));

    public int Count => 1;

    public IEnumerator<string> GetEnumerator()
    {
        yield return target;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
