namespace Ccx.Dns.Route53;

/// <summary>Which hosted zones to manage by visibility (ExternalDNS <c>--aws-zone-type</c>).</summary>
public enum Route53ZoneType
{
    /// <summary>Public and private zones.</summary>
    Any,

    /// <summary>Public zones only (a zone without <c>Config</c> counts as public).</summary>
    Public,

    /// <summary>Private (VPC) zones only.</summary>
    Private,
}
