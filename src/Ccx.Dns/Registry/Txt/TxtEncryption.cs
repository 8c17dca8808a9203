using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Ccx.Dns.Registry.Txt;

/// <summary>
/// ExternalDNS's TXT encryption (<c>--txt-encrypt-aes-key</c>): the text is
/// <c>base64(nonce[12] ‖ AES-256-GCM-Seal(key, nonce, gzip(plaintext)))</c>, tag appended, no associated data.
/// </summary>
/// <remarks>
/// gzip output differs between Go and .NET, so text written by ExternalDNS is never reproduced byte for byte;
/// the registry keeps the exact text it read for deletes and updates instead of re-encrypting. A fresh random
/// nonce is used for every encryption: reusing a nonce for a different plaintext under the same key would break
/// GCM, and .NET's gzip bytes differ from Go's even for the same labels.
/// </remarks>
internal sealed class TxtEncryption
{
    internal const int KeySize = 32;
    internal const int NonceSize = 12;
    internal const int TagSize = 16;
    internal const int MaxPlaintextBytes = 64 * 1024;
    internal const string InvalidKeyMessage = "the AES encryption key must be 32 bytes long, in either plain text or base64-encoded format (base64 without spaces or tabs, as ExternalDNS requires)";

    private readonly byte[] _key;

    /// <summary>Creates the cipher from the configured key.</summary>
    /// <param name="key">32 raw characters, or base64 of 32 bytes.</param>
    /// <exception cref="ArgumentException">The key is neither.</exception>
    internal TxtEncryption(string key)
    {
        if (!TryParseKey(key, out var bytes))
        {
            throw new ArgumentException(InvalidKeyMessage, nameof(key));
        }

        _key = bytes;
    }

    /// <summary>Parses a key: exactly 32 bytes of text are used as is, otherwise the text must be base64 of 32 bytes.</summary>
    /// <param name="key">The configured key.</param>
    /// <param name="bytes">The key bytes.</param>
    /// <returns>Whether the key is valid.</returns>
    internal static bool TryParseKey(string? key, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        if (string.IsNullOrEmpty(key))
        {
            return false;
        }

        var raw = Encoding.UTF8.GetBytes(key);
        if (raw.Length == KeySize)
        {
            bytes = raw;
            return true;
        }

        // .NET's base64 decoder skips spaces and tabs; Go's (ExternalDNS) refuses them. A key ExternalDNS would refuse is
        // refused here too, so that both never disagree on whether ownership text can be read.
        if (key.AsSpan().IndexOfAny(' ', '\t') >= 0)
        {
            return false;
        }

        var buffer = new byte[key.Length];
        if (Convert.TryFromBase64String(key, buffer, out var written) && written == KeySize)
        {
            bytes = buffer[..KeySize];
            return true;
        }

        return false;
    }

    /// <summary>Encrypts with a fresh random nonce.</summary>
    /// <param name="plaintext">The label text, unquoted.</param>
    /// <returns>The base64 text, unquoted.</returns>
    internal string Encrypt(string plaintext)
    {
        Span<byte> nonce = stackalloc byte[NonceSize];
        RandomNumberGenerator.Fill(nonce);
        return Encrypt(plaintext, nonce);
    }

    /// <summary>Encrypts with a given nonce (tests only; never reuse a nonce).</summary>
    /// <param name="plaintext">The label text, unquoted.</param>
    /// <param name="nonce">12 bytes.</param>
    /// <returns>The base64 text, unquoted.</returns>
    internal string Encrypt(string plaintext, ReadOnlySpan<byte> nonce)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        byte[] compressed;
        using (var buffer = new MemoryStream())
        {
            using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                gzip.Write(Encoding.UTF8.GetBytes(plaintext));
            }

            compressed = buffer.ToArray();
        }

        var blob = new byte[NonceSize + compressed.Length + TagSize];
        nonce.CopyTo(blob);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(
            blob.AsSpan(0, NonceSize),
            compressed,
            blob.AsSpan(NonceSize, compressed.Length),
            blob.AsSpan(NonceSize + compressed.Length, TagSize));
        return Convert.ToBase64String(blob);
    }

    /// <summary>Decrypts text written by ExternalDNS or by this class.</summary>
    /// <param name="text">The TXT text, quoted or not.</param>
    /// <param name="plaintext">The label text.</param>
    /// <param name="nonce">The base64 nonce.</param>
    /// <returns>Whether the text decrypted and decompressed.</returns>
    internal bool TryDecrypt(string text, [NotNullWhen(true)] out string? plaintext, [NotNullWhen(true)] out string? nonce)
    {
        plaintext = null;
        nonce = null;
        var trimmed = text.AsSpan().Trim('"');
        if (trimmed.Length < 4 * ((NonceSize + TagSize + 2) / 3))
        {
            return false;
        }

        var blob = new byte[trimmed.Length * 3 / 4];
        if (!Convert.TryFromBase64Chars(trimmed, blob, out var length) || length <= NonceSize + TagSize)
        {
            return false;
        }

        var cipherLength = length - NonceSize - TagSize;
        var compressed = new byte[cipherLength];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(
                blob.AsSpan(0, NonceSize),
                blob.AsSpan(NonceSize, cipherLength),
                blob.AsSpan(NonceSize + cipherLength, TagSize),
                compressed);
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(512);
        try
        {
            using var input = new MemoryStream(compressed, writable: false);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            var plainLength = 0;
            int read;
            while ((read = gzip.Read(buffer, plainLength, buffer.Length - plainLength)) > 0)
            {
                plainLength += read;
                if (plainLength == buffer.Length)
                {
                    // Authenticated, but still bounded: label text is tiny, a gzip bomb is not.
                    if (buffer.Length >= MaxPlaintextBytes)
                    {
                        return false;
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, plainLength).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }

            plaintext = Encoding.UTF8.GetString(buffer, 0, plainLength);
        }
        catch (InvalidDataException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        nonce = Convert.ToBase64String(blob, 0, NonceSize);
        return true;
    }
}
