namespace Ccx.Dns.Endpoints;

/// <summary>Names of provider-specific properties shared across providers and registries.</summary>
public static class ProviderSpecificNames
{
    /// <summary><c>alias</c>: <c>true</c>, <c>false</c>, <c>A</c> or <c>AAAA</c>; an alias A/AAAA record targets a host name.</summary>
    public const string Alias = "alias";

    /// <summary><c>txt/force-update</c>: set by the TXT registry to force an update that regenerates ownership.</summary>
    public const string TxtForceUpdate = "txt/force-update";

    /// <summary>
    /// <c>written-as</c>: set by a provider (in <c>AdjustEndpoints</c> and on reading) on an endpoint it writes as another
    /// record type than the endpoint's own — PowerDNS writes a CNAME at a zone apex, or marked <c>alias=true</c>, as an
    /// <c>ALIAS</c> record — so that reports say what was written.
    /// </summary>
    public const string WrittenAs = "written-as";

    /// <summary><c>dynamodb/needs-migration</c>: set by the DynamoDB registry on records whose ownership still lives in TXT.</summary>
    public const string DynamoDbNeedsMigration = "dynamodb/needs-migration";
}
