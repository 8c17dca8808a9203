using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Ccx.Dns.Endpoints;

/// <summary>
/// Ownership label keys and the ExternalDNS label text format
/// (<c>"heritage=external-dns,external-dns/owner=…,external-dns/resource=…"</c>), serialised and parsed
/// byte-compatibly with ExternalDNS.
/// </summary>
public static class EndpointLabels
{
    /// <summary>The owner id that manages the record.</summary>
    public const string OwnerKey = "owner";

    /// <summary>The resource that claimed the name, for example <c>datastore/7f0c…</c>.</summary>
    public const string ResourceKey = "resource";

    /// <summary>Put on generated ownership TXT endpoints (in memory only) with the name of the record they describe.</summary>
    public const string OwnedRecordKey = "ownedRecord";

    /// <summary>Raw owner/resource text carried by the AWS Cloud Map provider.</summary>
    public const string AwsSdDescriptionKey = "aws-sd-description";

    /// <summary>Internal: the base64 nonce of an encrypted TXT, never serialised into the text.</summary>
    public const string TxtEncryptionNonceKey = "txt-encryption-nonce";

    /// <summary>The heritage value ExternalDNS writes and requires.</summary>
    public const string Heritage = "external-dns";

    private const string HeritageToken = "heritage=external-dns";
    private const string KeyPrefix = "external-dns/";

    /// <summary>
    /// The labels as a compact map ordered by key (ordinal): the map itself when it is a <see cref="LabelMap"/> already,
    /// a copy of any other map (an <see cref="ImmutableSortedDictionary{TKey, TValue}"/> included).
    /// </summary>
    /// <param name="labels">The labels.</param>
    /// <returns>The ordered map; one shared empty map for no labels.</returns>
    internal static LabelMap Ordered(IReadOnlyDictionary<string, string> labels) => LabelMap.From(labels);

    /// <summary>
    /// Serialises labels to the ExternalDNS text: <c>heritage=external-dns</c>, then <c>external-dns/key=value</c>
    /// for every key in ordinal order except <see cref="TxtEncryptionNonceKey"/>, joined by commas.
    /// </summary>
    /// <param name="labels">The labels.</param>
    /// <param name="withQuotes">Whether to wrap the text in double quotes (the TXT registry always does).</param>
    /// <returns>The text.</returns>
    public static string Serialize(IReadOnlyDictionary<string, string> labels, bool withQuotes)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var pairs = Ordered(labels);

        // Sized once: the text is written in place, without a builder.
        var length = HeritageToken.Length + (withQuotes ? 2 : 0);
        foreach (var (key, value) in pairs)
        {
            if (!string.Equals(key, TxtEncryptionNonceKey, StringComparison.Ordinal))
            {
                length += 1 + KeyPrefix.Length + key.Length + 1 + value.Length;
            }
        }

        return string.Create(length, (pairs, withQuotes), static (text, state) =>
        {
            var at = 0;
            if (state.withQuotes)
            {
                text[at++] = '"';
            }

            Append(text, ref at, HeritageToken);
            foreach (var (key, value) in state.pairs)
            {
                if (string.Equals(key, TxtEncryptionNonceKey, StringComparison.Ordinal))
                {
                    continue;
                }

                text[at++] = ',';
                Append(text, ref at, KeyPrefix);
                Append(text, ref at, key);
                text[at++] = '=';
                Append(text, ref at, value);
            }

            if (state.withQuotes)
            {
                text[at] = '"';
            }
        });
    }

    private static void Append(Span<char> text, ref int at, string part)
    {
        part.CopyTo(text[at..]);
        at += part.Length;
    }

    /// <summary>Parses ExternalDNS label text, rejecting foreign or missing heritage.</summary>
    /// <param name="text">The text, quoted or not.</param>
    /// <returns>The labels.</returns>
    /// <exception cref="FormatException">The heritage is missing or is not <c>external-dns</c>.</exception>
    public static ImmutableSortedDictionary<string, string> Parse(string text)
    {
        if (!TryParse(text, out var labels, out var error))
        {
            throw new FormatException(error);
        }

        return labels.ToImmutableSortedDictionary();
    }

    /// <summary>Parses ExternalDNS label text.</summary>
    /// <param name="text">The text, quoted or not.</param>
    /// <param name="labels">The labels when the text has the <c>external-dns</c> heritage.</param>
    /// <returns>Whether the text carries ExternalDNS ownership.</returns>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ImmutableSortedDictionary<string, string>? labels)
    {
        labels = TryParse(text, out var map, out _) ? map.ToImmutableSortedDictionary() : null;
        return labels is not null;
    }

    /// <summary>Parses ExternalDNS label text into a compact map (what registries keep).</summary>
    /// <param name="text">The text, quoted or not.</param>
    /// <param name="labels">The labels when the text has the <c>external-dns</c> heritage.</param>
    /// <returns>Whether the text carries ExternalDNS ownership.</returns>
    internal static bool TryParseMap(string? text, [NotNullWhen(true)] out LabelMap? labels) =>
        TryParse(text, out labels, out _);

    /// <summary>
    /// Whether <paramref name="text"/> parses (as <see cref="TryParseMap"/> does) into exactly the pairs of
    /// <paramref name="labels"/>; reads the text in place and allocates nothing. A text with a key twice is said not to
    /// match (the caller parses it then).
    /// </summary>
    /// <param name="text">The text, quoted or not.</param>
    /// <param name="labels">The labels to compare with (at most 64).</param>
    /// <returns>Whether parsing the text would give these labels.</returns>
    internal static bool Matches(string text, LabelMap labels)
    {
        if (labels.Count > 64)
        {
            return false;
        }

        var found = false;
        var matched = 0UL;
        var pairs = new PairReader(text);
        while (pairs.MoveNext())
        {
            if (pairs.IsHeritage)
            {
                if (!pairs.Value.SequenceEqual(Heritage))
                {
                    return false;
                }

                found = true;
                continue;
            }

            var at = labels.IndexOfKey(pairs.Key);
            if (at < 0 || (matched & (1UL << at)) != 0 || !pairs.Value.SequenceEqual(labels.ValueAt(at)))
            {
                return false;
            }

            matched |= 1UL << at;
        }

        return found && matched == (labels.Count == 64 ? ulong.MaxValue : (1UL << labels.Count) - 1);
    }

    /// <summary>
    /// The pairs of ExternalDNS label text, read in place: the <c>heritage</c> token, and every <c>external-dns</c>…
    /// key with the <c>external-dns/</c> prefix dropped; tokens without <c>=</c> and other keys are skipped.
    /// </summary>
    private ref struct PairReader
    {
        private readonly ReadOnlySpan<char> _text;
        private MemoryExtensions.SpanSplitEnumerator<char> _tokens;

        public PairReader(string text)
        {
            _text = text.AsSpan().Trim('"');
            _tokens = _text.Split(',');
        }

        /// <summary>The current key (without the <c>external-dns/</c> prefix), or <c>heritage</c>.</summary>
        public ReadOnlySpan<char> Key { get; private set; }

        /// <summary>The current value.</summary>
        public ReadOnlySpan<char> Value { get; private set; }

        /// <summary>Whether the current pair is the heritage token.</summary>
        public bool IsHeritage { get; private set; }

        public bool MoveNext()
        {
            while (_tokens.MoveNext())
            {
                var token = _text[_tokens.Current];
                var eq = token.IndexOf('=');
                if (eq < 0)
                {
                    continue;
                }

                var key = token[..eq];
                Value = token[(eq + 1)..];
                IsHeritage = key.SequenceEqual("heritage");
                if (IsHeritage)
                {
                    Key = key;
                    return true;
                }

                if (key.StartsWith(Heritage, StringComparison.Ordinal))
                {
                    Key = key.StartsWith(KeyPrefix, StringComparison.Ordinal) ? key[KeyPrefix.Length..] : key;
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The shared instance of a well-known key (a zone's ownership records repeat the same few keys).</summary>
    private static string KnownKey(ReadOnlySpan<char> key) => key switch
    {
        OwnerKey => OwnerKey,
        ResourceKey => ResourceKey,
        _ => key.ToString(),
    };

    private static bool TryParse(string? text, [NotNullWhen(true)] out LabelMap? labels, out string error)
    {
        labels = null;
        error = "the text carries no heritage=external-dns token";
        if (text is null)
        {
            return false;
        }

        var builder = new LabelMap.Builder();
        var found = false;

        // Read in place: only the keys and values kept become strings (a zone's worth of ownership text is parsed at once).
        var pairs = new PairReader(text);
        while (pairs.MoveNext())
        {
            if (pairs.IsHeritage)
            {
                if (!pairs.Value.SequenceEqual(Heritage))
                {
                    error = $"foreign heritage '{pairs.Value}' (expected '{Heritage}')";
                    return false;
                }

                found = true;
                continue;
            }

            builder.Add(KnownKey(pairs.Key), pairs.Value.ToString());
        }

        if (!found)
        {
            return false;
        }

        labels = builder.ToMap();
        return true;
    }
}
