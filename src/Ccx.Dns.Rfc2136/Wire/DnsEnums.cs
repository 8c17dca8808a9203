namespace Ccx.Dns.Rfc2136.Wire;

#pragma warning disable CA1028 // the wire values are 16-bit; the enum mirrors them.
#pragma warning disable CA1008 // zero is not a valid record type or class.

/// <summary>DNS resource record types (IANA "Resource Record (RR) TYPEs"). Other values are representable by casting.</summary>
public enum DnsRecordType : ushort
{
    /// <summary>IPv4 address.</summary>
    A = 1,

    /// <summary>Authoritative name server.</summary>
    NS = 2,

    /// <summary>Canonical name.</summary>
    CNAME = 5,

    /// <summary>Start of authority.</summary>
    SOA = 6,

    /// <summary>Domain name pointer.</summary>
#pragma warning disable CA1720 // PTR is the record type's mnemonic.
    PTR = 12,
#pragma warning restore CA1720

    /// <summary>Mail exchange.</summary>
    MX = 15,

    /// <summary>Text strings.</summary>
    TXT = 16,

    /// <summary>IPv6 address.</summary>
    AAAA = 28,

    /// <summary>Service locator.</summary>
    SRV = 33,

    /// <summary>Delegation name.</summary>
    DNAME = 39,

    /// <summary>EDNS(0) option pseudo-record.</summary>
    OPT = 41,

    /// <summary>Transaction signature (RFC 8945).</summary>
    TSIG = 250,

    /// <summary>Incremental zone transfer (query type).</summary>
    IXFR = 251,

    /// <summary>Full zone transfer (query type).</summary>
    AXFR = 252,

    /// <summary>Any type (query type; in UPDATE, "all RRsets").</summary>
    ANY = 255,

    /// <summary>Certification authority authorization.</summary>
    CAA = 257,
}

/// <summary>DNS classes, including the UPDATE meta-classes NONE and ANY.</summary>
public enum DnsClass : ushort
{
    /// <summary>Internet.</summary>
    IN = 1,

    /// <summary>Chaos.</summary>
    CH = 3,

    /// <summary>Hesiod.</summary>
    HS = 4,

    /// <summary>NONE (RFC 2136): in an UPDATE, deletes one exact RR; in a prerequisite, "does not exist".</summary>
    None = 254,

    /// <summary>ANY: in an UPDATE, deletes a whole RRset; the class of TSIG records.</summary>
    Any = 255,
}

/// <summary>DNS header opcodes.</summary>
public enum DnsOpcode : byte
{
    /// <summary>Standard query.</summary>
    Query = 0,

    /// <summary>Zone change notification (RFC 1996).</summary>
    Notify = 4,

    /// <summary>Dynamic update (RFC 2136).</summary>
    Update = 5,
}

/// <summary>
/// DNS response codes: the 4-bit header codes (0–15) and the TSIG error codes (16 and up, carried in the TSIG
/// record's Error field).
/// </summary>
public enum DnsResponseCode : ushort
{
    /// <summary>No error.</summary>
    NoError = 0,

    /// <summary>Format error.</summary>
    FormErr = 1,

    /// <summary>Server failure.</summary>
    ServFail = 2,

    /// <summary>Non-existent domain.</summary>
    NXDomain = 3,

    /// <summary>Not implemented.</summary>
    NotImp = 4,

    /// <summary>Refused by policy.</summary>
    Refused = 5,

    /// <summary>A name exists that should not (UPDATE prerequisite).</summary>
    YXDomain = 6,

    /// <summary>An RRset exists that should not (UPDATE prerequisite).</summary>
    YXRRSet = 7,

    /// <summary>An RRset that should exist does not (UPDATE prerequisite).</summary>
    NXRRSet = 8,

    /// <summary>The server is not authoritative for the zone, or the request is not authorised (TSIG).</summary>
    NotAuth = 9,

    /// <summary>A name is not within the zone.</summary>
    NotZone = 10,

    /// <summary>TSIG signature failure.</summary>
    BadSig = 16,

    /// <summary>TSIG key not recognised.</summary>
    BadKey = 17,

    /// <summary>TSIG signature out of the time window.</summary>
    BadTime = 18,

    /// <summary>TSIG MAC truncated too far.</summary>
    BadTrunc = 22,
}
