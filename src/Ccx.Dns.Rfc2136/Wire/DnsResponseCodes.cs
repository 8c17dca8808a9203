using System.Globalization;

namespace Ccx.Dns.Rfc2136.Wire;

/// <summary>Mnemonics of response codes as DNS tools print them (<c>REFUSED</c>, <c>NOTAUTH</c>, <c>BADSIG</c>, …).</summary>
public static class DnsResponseCodes
{
    /// <summary>The upper-case mnemonic of a response code, or its number when unknown.</summary>
    /// <param name="code">The code.</param>
    /// <returns>The mnemonic.</returns>
    public static string Name(DnsResponseCode code) => code switch
    {
        DnsResponseCode.NoError => "NOERROR",
        DnsResponseCode.FormErr => "FORMERR",
        DnsResponseCode.ServFail => "SERVFAIL",
        DnsResponseCode.NXDomain => "NXDOMAIN",
        DnsResponseCode.NotImp => "NOTIMP",
        DnsResponseCode.Refused => "REFUSED",
        DnsResponseCode.YXDomain => "YXDOMAIN",
        DnsResponseCode.YXRRSet => "YXRRSET",
        DnsResponseCode.NXRRSet => "NXRRSET",
        DnsResponseCode.NotAuth => "NOTAUTH",
        DnsResponseCode.NotZone => "NOTZONE",
        DnsResponseCode.BadSig => "BADSIG",
        DnsResponseCode.BadKey => "BADKEY",
        DnsResponseCode.BadTime => "BADTIME",
        DnsResponseCode.BadTrunc => "BADTRUNC",
        _ => "RCODE" + ((ushort)code).ToString(CultureInfo.InvariantCulture),
    };
}
