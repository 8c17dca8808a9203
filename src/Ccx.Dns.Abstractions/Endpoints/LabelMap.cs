using System.Collections;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Ccx.Dns.Endpoints;

/// <summary>
/// An immutable map of labels, its keys ordered and compared ordinally, sized for the one or two labels nearly every
/// record has: one object of four references (48 bytes) for up to two labels, and that object plus one array of
/// keys and values for more. One shared <see cref="Empty"/> map. Enumerates in key order. Thread-safe.
/// </summary>
/// <remarks>
/// Up to two labels are held in the fields themselves; with more, <see cref="_key0"/> is <see langword="null"/> and
/// the last field holds every key and value, alternating, in key order. Two maps with the same labels are different
/// objects, not equal ones: equality is by reference (a registry uses a map as a cache key); compare contents with
/// <see cref="SamePairs"/>.
/// </remarks>
internal sealed class LabelMap : IReadOnlyDictionary<string, string>
{
    /// <summary>The one empty map.</summary>
    public static readonly LabelMap Empty = new(null, null, null, null);

    // The first key, or null when the map is empty or holds three labels or more (see _value1OrPairs).
    private readonly string? _key0;

    // The first value (a null value is tolerated, as the map this replaced tolerated it).
    private readonly string? _value0;

    // The second key, or null when the map holds fewer than two labels (or more, then _key0 is null too).
    private readonly string? _key1;

    // With _key0 set: the second value (a string). With _key0 null: null for the empty map, otherwise a string[] of
    // three labels or more, keys and values alternating, keys in ordinal order. One field for both keeps the map at
    // four references.
    private readonly object? _value1OrPairs;

    /// <summary>Creates a map of up to two labels, keys in order (<paramref name="key0"/> first), or the empty map.</summary>
    /// <param name="key0">The first key; <see langword="null"/> only for the empty map.</param>
    /// <param name="value0">The first value.</param>
    /// <param name="key1">The second key; <see langword="null"/> for one label.</param>
    /// <param name="value1">The second value.</param>
    private LabelMap(string? key0, string? value0, string? key1, string? value1)
    {
        _key0 = key0;
        _value0 = value0;
        _key1 = key1;
        _value1OrPairs = value1;
    }

    /// <summary>Creates a map of three labels or more.</summary>
    /// <param name="pairs">Keys and values alternating, keys unique and in ordinal order; kept, not copied.</param>
    private LabelMap(string[] pairs) => _value1OrPairs = pairs;

    /// <summary>How many labels the map holds.</summary>
    public int Count => _key0 is not null
        ? (_key1 is null ? 1 : 2)
        : (_value1OrPairs is string[] pairs ? pairs.Length / 2 : 0);

    /// <summary>The keys, in ordinal order.</summary>
    public IEnumerable<string> Keys => Column(keys: true);

    /// <summary>The values, in the order of their keys.</summary>
    public IEnumerable<string> Values => Column(keys: false);

    /// <summary>The keys, or the values, in key order, as a new array.</summary>
    /// <param name="keys">Whether the keys (or else the values).</param>
    /// <returns>The array.</returns>
    private string[] Column(bool keys)
    {
        var column = new string[Count];
        for (var i = 0; i < column.Length; i++)
        {
            column[i] = keys ? KeyAt(i) : ValueAt(i);
        }

        return column;
    }

    /// <summary>The value of a label.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The value.</returns>
    /// <exception cref="KeyNotFoundException">The map has no such label.</exception>
    public string this[string key] => TryGetValue(key, out var value)
        ? value
        : throw new KeyNotFoundException($"no label '{key}'");

    /// <summary>Whether the map holds a label.</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    /// <summary>Gets the value of a label.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">Its value when present.</param>
    /// <returns>Whether the label is present.</returns>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        var index = IndexOf(key);
        if (index < 0)
        {
            value = null;
            return false;
        }

        value = ValueAt(index);
        return true;
    }

    /// <summary>Returns a map with the label set.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>The new map, or this map when it already holds the label with this value.</returns>
    public LabelMap SetItem(string key, string value)
    {
        var index = IndexOf(key);
        var count = Count;
        if (index >= 0)
        {
            if (string.Equals(ValueAt(index), value, StringComparison.Ordinal))
            {
                return this;
            }

            var replaced = new PairWriter(count);
            for (var i = 0; i < count; i++)
            {
                replaced.Add(KeyAt(i), i == index ? value : ValueAt(i));
            }

            return replaced.ToMap();
        }

        var added = new PairWriter(count + 1);
        var at = 0;
        while (at < count && string.CompareOrdinal(KeyAt(at), key) < 0)
        {
            added.Add(KeyAt(at), ValueAt(at));
            at++;
        }

        added.Add(key, value);
        for (; at < count; at++)
        {
            added.Add(KeyAt(at), ValueAt(at));
        }

        return added.ToMap();
    }

    /// <summary>Returns a map with the labels of <paramref name="other"/> set, their values replacing this map's.</summary>
    /// <param name="other">The labels to set.</param>
    /// <returns>The new map, or this map when it already holds every one of them with the same value.</returns>
    public LabelMap SetItems(LabelMap other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var map = this;
        foreach (var (key, value) in other)
        {
            map = map.SetItem(key, value);
        }

        return map;
    }

    /// <summary>Returns a map without a label.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The new map, or this map when it does not hold the label.</returns>
    public LabelMap Remove(string key)
    {
        var index = IndexOf(key);
        if (index < 0)
        {
            return this;
        }

        var count = Count;
        var kept = new PairWriter(count - 1);
        for (var i = 0; i < count; i++)
        {
            if (i != index)
            {
                kept.Add(KeyAt(i), ValueAt(i));
            }
        }

        return kept.ToMap();
    }

    /// <summary>Whether another map holds exactly the same labels (keys and values compared ordinally).</summary>
    /// <param name="other">The other map.</param>
    /// <returns><see langword="true"/> when every label of each is in the other with the same value.</returns>
    public bool SamePairs(LabelMap other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        // Both in the same (ordinal) order without repeated keys: equal contents are equal position by position.
        var count = Count;
        if (count != other.Count)
        {
            return false;
        }

        for (var i = 0; i < count; i++)
        {
            if (!string.Equals(KeyAt(i), other.KeyAt(i), StringComparison.Ordinal)
                || !string.Equals(ValueAt(i), other.ValueAt(i), StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The labels as an immutable sorted dictionary with the ordinal comparer (for the public API that returns one).</summary>
    /// <returns>The dictionary.</returns>
    public ImmutableSortedDictionary<string, string> ToImmutableSortedDictionary() =>
        ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, this);

    /// <summary>
    /// The labels of any map as a label map: the map itself when it is one, the shared empty map for none, otherwise
    /// a new map in ordinal key order.
    /// </summary>
    /// <param name="labels">The labels.</param>
    /// <returns>The map.</returns>
    public static LabelMap From(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels is LabelMap map)
        {
            return map;
        }

        if (labels.Count == 0)
        {
            return Empty;
        }

        var builder = new Builder();
        foreach (var (key, value) in labels)
        {
            builder.Add(key, value);
        }

        return builder.ToMap();
    }

    /// <summary>Returns an enumerator over the labels in key order (a struct: no allocation).</summary>
    /// <returns>The enumerator.</returns>
    public Enumerator GetEnumerator() => new(this);

    /// <inheritdoc />
    IEnumerator<KeyValuePair<string, string>> IEnumerable<KeyValuePair<string, string>>.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The label text, for debugging: <c>{key=value, …}</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => "{" + string.Join(", ", this.Select(l => l.Key + "=" + l.Value)) + "}";

    /// <summary>The key at a position in key order.</summary>
    /// <param name="index">The position, less than <see cref="Count"/>.</param>
    private string KeyAt(int index) => _key0 is not null
        ? (index == 0 ? _key0 : _key1!)
        : Unsafe.As<string[]>(_value1OrPairs!)[2 * index];

    /// <summary>The value at a position in key order.</summary>
    /// <param name="index">The position, less than <see cref="Count"/>.</param>
    internal string ValueAt(int index) => _key0 is not null
        ? (index == 0 ? _value0! : Unsafe.As<string>(_value1OrPairs)!)
        : Unsafe.As<string[]>(_value1OrPairs!)[(2 * index) + 1];

    /// <summary>The position of a key given as characters, or -1 when absent (a linear scan: for the few labels of a record).</summary>
    /// <param name="key">The key.</param>
    internal int IndexOfKey(ReadOnlySpan<char> key)
    {
        for (var i = 0; i < Count; i++)
        {
            if (key.SequenceEqual(KeyAt(i)))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The position of a key in key order, or -1 when absent: compares at most the two fields, or halves the array.</summary>
    /// <param name="key">The key.</param>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    private int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_key0 is not null)
        {
            return string.Equals(_key0, key, StringComparison.Ordinal) ? 0
                : string.Equals(_key1, key, StringComparison.Ordinal) ? 1
                : -1;
        }

        if (_value1OrPairs is not string[] pairs)
        {
            return -1;
        }

        var low = 0;
        var high = (pairs.Length / 2) - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var order = string.CompareOrdinal(pairs[2 * middle], key);
            if (order == 0)
            {
                return middle;
            }

            if (order < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return -1;
    }

    /// <summary>Enumerates a map's labels in key order without allocating.</summary>
    public struct Enumerator : IEnumerator<KeyValuePair<string, string>>
    {
        private readonly LabelMap _map;
        private readonly int _count;
        private int _index;

        /// <summary>Starts before the first label.</summary>
        /// <param name="map">The map.</param>
        internal Enumerator(LabelMap map)
        {
            _map = map;
            _count = map.Count;
            _index = -1;
        }

        /// <summary>The current label.</summary>
        public readonly KeyValuePair<string, string> Current => new(_map.KeyAt(_index), _map.ValueAt(_index));

        /// <inheritdoc />
        readonly object IEnumerator.Current => Current;

        /// <summary>Moves to the next label.</summary>
        /// <returns>Whether there is one.</returns>
        public bool MoveNext() => ++_index < _count;

        /// <summary>Moves back before the first label.</summary>
        public void Reset() => _index = -1;

        /// <summary>Nothing to release.</summary>
        public readonly void Dispose()
        {
        }
    }

    /// <summary>
    /// Collects labels in any order, a later value for a key replacing an earlier one, and makes a map of them. A
    /// mutable struct: keep it in a local and do not copy it. The first two labels take no allocation besides the map.
    /// </summary>
    internal struct Builder
    {
        private TwoPairs _first;
        private string[]? _all;
        private int _length;

        /// <summary>Adds a label, replacing the value of a key added before.</summary>
        /// <param name="key">The key.</param>
        /// <param name="value">The value.</param>
        /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
        public void Add(string key, string value)
        {
            ArgumentNullException.ThrowIfNull(key);
            if (_all is null && _length < 4)
            {
                _first[_length++] = key;
                _first[_length++] = value;
                return;
            }

            if (_all is null)
            {
                _all = new string[8];
                ((ReadOnlySpan<string>)_first).CopyTo(_all);
            }
            else if (_length == _all.Length)
            {
                Array.Resize(ref _all, _all.Length * 2);
            }

            _all[_length++] = key;
            _all[_length++] = value;
        }

        /// <summary>The labels added, as a map in key order; for a key added more than once, the last value.</summary>
        /// <returns>The map; the shared empty map when none was added.</returns>
        public readonly LabelMap ToMap()
        {
            if (_all is null)
            {
                return _length switch
                {
                    0 => Empty,
                    2 => new LabelMap(_first[0], _first[1], null, null),
                    _ => string.CompareOrdinal(_first[0], _first[2]) switch
                    {
                        < 0 => new LabelMap(_first[0], _first[1], _first[2], _first[3]),
                        > 0 => new LabelMap(_first[2], _first[3], _first[0], _first[1]),
                        _ => new LabelMap(_first[2], _first[3], null, null),
                    },
                };
            }

            // Positions sorted by key, then by when added: the last of each run of equal keys is the value kept.
            var all = _all;
            var order = new int[_length / 2];
            for (var i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            Array.Sort(order, (a, b) =>
            {
                var byKey = string.CompareOrdinal(all[2 * a], all[2 * b]);
                return byKey != 0 ? byKey : a.CompareTo(b);
            });

            var writer = new PairWriter(CountDistinct(all, order));
            for (var i = 0; i < order.Length; i++)
            {
                if (i + 1 < order.Length && string.Equals(all[2 * order[i]], all[2 * order[i + 1]], StringComparison.Ordinal))
                {
                    continue;
                }

                writer.Add(all[2 * order[i]], all[(2 * order[i]) + 1]);
            }

            return writer.ToMap();
        }

        /// <summary>How many different keys there are among positions sorted by key.</summary>
        private static int CountDistinct(string[] all, int[] order)
        {
            var distinct = 0;
            for (var i = 0; i < order.Length; i++)
            {
                if (i == 0 || !string.Equals(all[2 * order[i - 1]], all[2 * order[i]], StringComparison.Ordinal))
                {
                    distinct++;
                }
            }

            return distinct;
        }
    }

    /// <summary>
    /// Writes a known number of labels, already in key order and unique, into a new map: into the map's own fields
    /// for up to two, into the array the map keeps for more. A mutable struct: keep it in a local.
    /// </summary>
    private struct PairWriter
    {
        private TwoPairs _few;
        private readonly string[]? _many;
        private int _length;

        /// <summary>Prepares for <paramref name="count"/> labels.</summary>
        /// <param name="count">How many labels will be written.</param>
        public PairWriter(int count) => _many = count > 2 ? new string[2 * count] : null;

        /// <summary>Writes the next label.</summary>
        /// <param name="key">The key, after every key written before.</param>
        /// <param name="value">The value.</param>
        public void Add(string key, string value)
        {
            if (_many is null)
            {
                _few[_length++] = key;
                _few[_length++] = value;
            }
            else
            {
                _many[_length++] = key;
                _many[_length++] = value;
            }
        }

        /// <summary>The map of the labels written.</summary>
        /// <returns>The map; the shared empty map for none.</returns>
        public readonly LabelMap ToMap() => _many is not null
            ? new LabelMap(_many)
            : _length switch
            {
                0 => Empty,
                2 => new LabelMap(_few[0], _few[1], null, null),
                _ => new LabelMap(_few[0], _few[1], _few[2], _few[3]),
            };
    }

    /// <summary>Room for two keys and values on the stack.</summary>
    [InlineArray(4)]
    private struct TwoPairs
    {
        private string _element;
    }
}
