using System.Diagnostics.CodeAnalysis;
using Ccx.Dns.Endpoints;

namespace Ccx.Dns.DynamoDb.Internal;

/// <summary>One item of the ownership table as stored: the key text, the owner (<c>o</c>) and the labels (<c>l</c>, without the owner).</summary>
/// <param name="KeyText">The <c>k</c> attribute exactly as stored (<c>name#TYPE#setIdentifier</c>).</param>
/// <param name="Owner">The <c>o</c> attribute.</param>
/// <param name="Labels">The <c>l</c> attribute.</param>
internal sealed record OwnershipItem(string KeyText, string Owner, LabelMap Labels)
{
    /// <summary>The labels written for an endpoint: all of them except the owner (kept in <c>o</c>) and the TXT nonce.</summary>
    public static LabelMap LabelsOf(DnsEndpoint endpoint)
    {
        var labels = (LabelMap)endpoint.Labels;
        return labels.Remove(EndpointLabels.OwnerKey).Remove(EndpointLabels.TxtEncryptionNonceKey);
    }

    /// <summary>Parses a key text: <c>name#TYPE#setIdentifier</c> split at the first two <c>#</c>.</summary>
    public static bool TryParseKey(string keyText, [NotNullWhen(true)] out EndpointKey? key)
    {
        key = null;
        var parts = keyText.Split('#', 3);
        if (parts.Length < 2 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            return false;
        }

        key = new EndpointKey(parts[0], RecordType.Parse(parts[1]), parts.Length == 3 ? parts[2] : string.Empty);
        return true;
    }
}
