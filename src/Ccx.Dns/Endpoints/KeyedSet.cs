using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Ccx.Dns.Endpoints;

/// <summary>
/// Values found by a key each value carries (a record by its <see cref="EndpointKey"/>, an ownership record by the key
/// of its TXT record): a dictionary that does not store the key. An entry is the value's reference and its hash, 16
/// bytes, where a <see cref="Dictionary{TKey,TValue}"/> keyed by an <see cref="EndpointKey"/> takes 40; at 200k
/// records per index that is 5 MB each. Mutable; not thread-safe. Replacing a value while enumerating the set throws,
/// as every other change does (a dictionary's in-place overwrite did not).
/// </summary>
/// <typeparam name="TKey">The key, computed from a value by <see cref="KeySelector{TKey,TValue}"/>.</typeparam>
/// <typeparam name="TValue">The value.</typeparam>
internal sealed class KeyedSet<TKey, TValue> : IReadOnlyCollection<TValue>
    where TKey : struct, IEquatable<TKey>
    where TValue : class
{
    private readonly HashSet<TValue> _values;
    private readonly HashSet<TValue>.AlternateLookup<TKey> _byKey;

    /// <summary>Creates an empty set.</summary>
    /// <param name="keys">How a value's key is found.</param>
    /// <param name="capacity">The expected number of values (sized up front: growing large sets reallocates large-object-heap arrays).</param>
    public KeyedSet(KeySelector<TKey, TValue> keys, int capacity = 0)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _values = new HashSet<TValue>(capacity, keys);
        _byKey = _values.GetAlternateLookup<TKey>();
    }

    /// <summary>How many values the set holds.</summary>
    public int Count => _values.Count;

    /// <summary>Finds the value with a key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value when found.</param>
    /// <returns>Whether a value has the key.</returns>
    public bool TryGetValue(TKey key, [MaybeNullWhen(false)] out TValue value) => _byKey.TryGetValue(key, out value);

    /// <summary>Whether a value has the key.</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> when one has.</returns>
    public bool ContainsKey(TKey key) => _byKey.Contains(key);

    /// <summary>The value with a key; throws when there is none.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The value.</returns>
    /// <exception cref="KeyNotFoundException">No value has the key.</exception>
    public TValue this[TKey key] => _byKey.TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"No value has the key '{key}'.");

    /// <summary>Adds a value unless one with its key is present.</summary>
    /// <param name="value">The value.</param>
    /// <returns>Whether it was added.</returns>
    public bool TryAdd(TValue value) => _values.Add(value);

    /// <summary>Adds a value, replacing the one with the same key.</summary>
    /// <param name="value">The value.</param>
    public void Set(TValue value)
    {
        if (!_values.Add(value))
        {
            Replace(value);
        }
    }

    /// <summary>Replaces the value with the same key (adds it when there is none).</summary>
    /// <param name="value">The value.</param>
    public void Replace(TValue value)
    {
        _values.Remove(value);
        _values.Add(value);
    }

    /// <summary>Removes the value with a key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>Whether one was present.</returns>
    public bool Remove(TKey key) => _byKey.Remove(key);

    /// <summary>Removes the value with a key and returns it.</summary>
    /// <param name="key">The key.</param>
    /// <param name="removed">The value removed.</param>
    /// <returns>Whether one was present.</returns>
    public bool Remove(TKey key, [MaybeNullWhen(false)] out TValue removed) => _byKey.TryGetValue(key, out removed) && _values.Remove(removed);

    /// <summary>Makes room for a number of values in total.</summary>
    /// <param name="capacity">The number of values.</param>
    public void EnsureCapacity(int capacity) => _values.EnsureCapacity(capacity);

    /// <summary>The values, in no particular order.</summary>
    /// <returns>An enumerator that does not allocate.</returns>
    public HashSet<TValue>.Enumerator GetEnumerator() => _values.GetEnumerator();

    /// <inheritdoc/>
    IEnumerator<TValue> IEnumerable<TValue>.GetEnumerator() => _values.GetEnumerator();

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => _values.GetEnumerator();
}

/// <summary>
/// The key of a value kept in a <see cref="KeyedSet{TKey,TValue}"/>, and the equality that follows from it: two values
/// are equal when their keys are, and a key finds the value that has it.
/// </summary>
/// <typeparam name="TKey">The key.</typeparam>
/// <typeparam name="TValue">The value.</typeparam>
internal abstract class KeySelector<TKey, TValue> : IEqualityComparer<TValue>, IAlternateEqualityComparer<TKey, TValue>
    where TKey : struct, IEquatable<TKey>
    where TValue : class
{
    /// <summary>The key a value carries.</summary>
    /// <param name="value">The value.</param>
    /// <returns>Its key.</returns>
    public abstract TKey KeyOf(TValue value);

    /// <inheritdoc/>
    public bool Equals(TValue? x, TValue? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && KeyOf(x).Equals(KeyOf(y)));

    /// <inheritdoc/>
    public int GetHashCode(TValue obj) => KeyOf(obj).GetHashCode();

    /// <inheritdoc/>
    public virtual bool Equals(TKey alternate, TValue other) => alternate.Equals(KeyOf(other));

    /// <inheritdoc/>
    public int GetHashCode(TKey alternate) => alternate.GetHashCode();

    /// <summary>Not supported: a value cannot be made from its key alone; add values, not keys.</summary>
    /// <param name="alternate">The key.</param>
    /// <returns>Never returns.</returns>
    /// <exception cref="NotSupportedException">Always.</exception>
    public TValue Create(TKey alternate) => throw new NotSupportedException("A value cannot be made from its key; add the value itself.");
}

/// <summary>Records by their <see cref="DnsEndpoint.Key"/>.</summary>
internal sealed class EndpointsByKey : KeySelector<EndpointKey, DnsEndpoint>
{
    /// <summary>The one instance.</summary>
    public static readonly EndpointsByKey Instance = new();

    private EndpointsByKey()
    {
    }

    /// <inheritdoc/>
    public override EndpointKey KeyOf(DnsEndpoint value) => value.Key;

    /// <inheritdoc/>
    /// <remarks>
    /// Compares without normalising the record's name again (which would allocate for a name kept in mixed case): the
    /// key's name is normalised already, and the record's is ASCII (non-ASCII only when it could not be mapped, then
    /// normalised the usual way).
    /// </remarks>
    public override bool Equals(EndpointKey alternate, DnsEndpoint other)
    {
        if (alternate.RecordType != other.RecordType || !string.Equals(alternate.SetIdentifier, other.SetIdentifier, StringComparison.Ordinal))
        {
            return false;
        }

        var name = other.DnsName;
        if (string.Equals(alternate.DnsName, name, StringComparison.Ordinal))
        {
            return true;
        }

        return System.Text.Ascii.IsValid(name)
            ? System.Text.Ascii.EqualsIgnoreCase(alternate.DnsName, name)
            : string.Equals(alternate.DnsName, DnsNames.Normalize(name), StringComparison.Ordinal);
    }
}
