using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Registry.Txt;

/// <summary>
/// Reads and writes the text of ExternalDNS ownership TXT records: the label text
/// (<c>"heritage=external-dns,external-dns/owner=…"</c>), optionally AES-256-GCM encrypted as ExternalDNS's
/// <c>--txt-encrypt-aes-key</c> does (<c>base64(nonce[12] ‖ GCM-seal(gzip(text)))</c>). Shared by the TXT registry
/// and by registries that migrate ownership out of TXT records. Thread-safe.
/// </summary>
public sealed class TxtOwnershipCodec
{
    private readonly TxtEncryption? _encryption;

    /// <summary>Creates a codec.</summary>
    /// <param name="encryptionAesKey">
    /// The AES key (32 characters, or base64 of 32 bytes); when set, encrypted text is read (plain text still is).
    /// </param>
    /// <param name="encrypt">Whether <see cref="Format"/> encrypts; requires a key.</param>
    /// <exception cref="ArgumentException">The key is invalid, or encryption is asked for without a key.</exception>
    public TxtOwnershipCodec(string? encryptionAesKey = null, bool encrypt = false)
    {
        if (encrypt && string.IsNullOrEmpty(encryptionAesKey))
        {
            throw new ArgumentException("an AES key is required to encrypt ownership text", nameof(encryptionAesKey));
        }

        _encryption = string.IsNullOrEmpty(encryptionAesKey) ? null : new TxtEncryption(encryptionAesKey);
        Encrypts = encrypt;
    }

    /// <summary>Whether <see cref="Format"/> encrypts.</summary>
    public bool Encrypts { get; }

    /// <summary>Whether a key is valid: 32 bytes of text, or base64 of 32 bytes.</summary>
    /// <param name="encryptionAesKey">The key.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool IsValidKey(string? encryptionAesKey) => TxtEncryption.TryParseKey(encryptionAesKey, out _);

    /// <summary>
    /// Parses ownership text, quoted or not. With a key, encrypted text is decrypted first and the labels get
    /// <see cref="EndpointLabels.TxtEncryptionNonceKey"/>; text that does not decrypt is parsed as plain text.
    /// </summary>
    /// <param name="text">The TXT record's text.</param>
    /// <param name="labels">The labels when the text carries ExternalDNS ownership.</param>
    /// <returns>Whether the text carries ExternalDNS ownership.</returns>
    public bool TryParse(string text, [NotNullWhen(true)] out ImmutableSortedDictionary<string, string>? labels)
    {
        labels = TryParseMap(text, out var map) ? map.ToImmutableSortedDictionary() : null;
        return labels is not null;
    }

    /// <summary>
    /// Parses ownership text as <see cref="TryParse"/> does, into the compact map the registries keep.
    /// </summary>
    /// <param name="text">The TXT record's text.</param>
    /// <param name="labels">The labels when the text carries ExternalDNS ownership.</param>
    /// <returns>Whether the text carries ExternalDNS ownership.</returns>
    internal bool TryParseMap(string text, [NotNullWhen(true)] out LabelMap? labels)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_encryption is not null
            && _encryption.TryDecrypt(text, out var plaintext, out var nonce)
            && EndpointLabels.TryParseMap(plaintext, out var decrypted))
        {
            labels = decrypted.SetItem(EndpointLabels.TxtEncryptionNonceKey, nonce);
            return true;
        }

        return EndpointLabels.TryParseMap(text, out labels);
    }

    /// <summary>
    /// Parses ownership text written from <paramref name="written"/>: when the text says exactly those labels, they are
    /// the result (without encryption checked in place, nothing allocated; otherwise parsed and compared), so that the
    /// labels kept share their strings with the ones that wrote them. Otherwise as <see cref="TryParseMap"/>.
    /// </summary>
    /// <param name="text">The TXT record's text.</param>
    /// <param name="written">The labels the text was formatted from.</param>
    /// <param name="labels">The labels when the text carries ExternalDNS ownership.</param>
    /// <returns>Whether the text carries ExternalDNS ownership.</returns>
    internal bool TryParseMapLike(string text, LabelMap written, [NotNullWhen(true)] out LabelMap? labels)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_encryption is null && EndpointLabels.Matches(text, written))
        {
            labels = written;
            return true;
        }

        if (!TryParseMap(text, out labels))
        {
            return false;
        }

        if (labels.SamePairs(written))
        {
            labels = written;
        }

        return true;
    }

    /// <summary>
    /// Formats labels as quoted ownership text, encrypted with a fresh random nonce when <see cref="Encrypts"/>
    /// (a nonce is never reused: to leave text unchanged, keep the text that was read).
    /// </summary>
    /// <param name="labels">The labels; <see cref="EndpointLabels.TxtEncryptionNonceKey"/> is not written.</param>
    /// <returns>The quoted text.</returns>
    public string Format(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return Encrypts
            ? "\"" + _encryption!.Encrypt(EndpointLabels.Serialize(labels, withQuotes: false)) + "\""
            : EndpointLabels.Serialize(labels, withQuotes: true);
    }
}
