using System.Collections.Frozen;

namespace Ccx.Dns.Route53.Internal;

/// <summary>
/// The hosted zone ids Route 53 expects in <c>AliasTarget/HostedZoneId</c> for AWS-owned alias targets, by
/// host-name suffix (published AWS facts: Elastic Load Balancing, CloudFront, S3 website endpoints, Global
/// Accelerator). Options can add or override entries; the longest matching suffix wins.
/// </summary>
internal sealed class Route53CanonicalHostedZones
{
    private static readonly FrozenDictionary<string, string> BuiltIn = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        // Application and Classic Load Balancers: <name>.<region>.elb.amazonaws.com
        ["us-east-2.elb.amazonaws.com"] = "Z3AADJGX6KTTL2",
        ["us-east-1.elb.amazonaws.com"] = "Z35SXDOTRQ7X7K",
        ["us-west-1.elb.amazonaws.com"] = "Z368ELLRRE2KJ0",
        ["us-west-2.elb.amazonaws.com"] = "Z1H1FL5HABSF5",
        ["ca-central-1.elb.amazonaws.com"] = "ZQSVJUPU6J1EY",
        ["ap-east-1.elb.amazonaws.com"] = "Z3DQVH9N71FHZ0",
        ["ap-south-1.elb.amazonaws.com"] = "ZP97RAFLXTNZK",
        ["ap-northeast-1.elb.amazonaws.com"] = "Z14GRHDCWA56QT",
        ["ap-northeast-2.elb.amazonaws.com"] = "ZWKZPGTI48KDX",
        ["ap-northeast-3.elb.amazonaws.com"] = "Z5LXEXXYW11ES",
        ["ap-southeast-1.elb.amazonaws.com"] = "Z1LMS91P8CMLE5",
        ["ap-southeast-2.elb.amazonaws.com"] = "Z1GM3OXH4ZPM65",
        ["eu-central-1.elb.amazonaws.com"] = "Z215JYRZR1TBD5",
        ["eu-west-1.elb.amazonaws.com"] = "Z32O12XQLNTSW2",
        ["eu-west-2.elb.amazonaws.com"] = "ZHURV8PSTC4K8",
        ["eu-west-3.elb.amazonaws.com"] = "Z3Q77PNBQS71R4",
        ["eu-north-1.elb.amazonaws.com"] = "Z23TAZ7KEACNEL",
        ["eu-south-1.elb.amazonaws.com"] = "Z3ULH7SSC9OV64",
        ["sa-east-1.elb.amazonaws.com"] = "Z2P70J7HTTTPLU",
        ["me-south-1.elb.amazonaws.com"] = "ZS929ML54UICD",
        ["af-south-1.elb.amazonaws.com"] = "Z268VQBMOI5EKX",

        // Network Load Balancers: <name>.elb.<region>.amazonaws.com
        ["elb.us-east-2.amazonaws.com"] = "ZLMOA37VPKANP",
        ["elb.us-east-1.amazonaws.com"] = "Z26RNL4JYFTOTI",
        ["elb.us-west-1.amazonaws.com"] = "Z24FKFUX50B4VW",
        ["elb.us-west-2.amazonaws.com"] = "Z18D5FSROUN65G",
        ["elb.ca-central-1.amazonaws.com"] = "Z2EPGBW3API2WT",
        ["elb.ap-east-1.amazonaws.com"] = "Z12Y7K3UBGUAD1",
        ["elb.ap-south-1.amazonaws.com"] = "ZVDDRBQ08TROA",
        ["elb.ap-northeast-1.amazonaws.com"] = "Z31USIVHYNEOWT",
        ["elb.ap-northeast-2.amazonaws.com"] = "ZIBE1TIR4HY56",
        ["elb.ap-southeast-1.amazonaws.com"] = "ZKVM4W9LS7TM",
        ["elb.ap-southeast-2.amazonaws.com"] = "ZCT6FZBF4DROD",
        ["elb.eu-central-1.amazonaws.com"] = "Z3F0SRJ5LGBH90",
        ["elb.eu-west-1.amazonaws.com"] = "Z2IFOLAFXWLO4F",
        ["elb.eu-west-2.amazonaws.com"] = "ZD4D7Y8KGAS4G",
        ["elb.eu-west-3.amazonaws.com"] = "Z1CMS0P5QUZ6D5",
        ["elb.eu-north-1.amazonaws.com"] = "Z1UDT6IFJ4EJM",
        ["elb.sa-east-1.amazonaws.com"] = "ZTK26PT1VY4CU",
        ["elb.me-south-1.amazonaws.com"] = "Z3QSRYVP46NYYV",
        ["elb.af-south-1.amazonaws.com"] = "Z203XCE67M25HM",

        // CloudFront (and edge-optimised API Gateway), Global Accelerator.
        ["cloudfront.net"] = "Z2FDTNDATAQYW2",
        ["awsglobalaccelerator.com"] = "Z2BJ6XQ5FK7U4H",

        // S3 website endpoints (dash and dot styles).
        ["s3-website-us-east-1.amazonaws.com"] = "Z3AQBSTGFYJSTF",
        ["s3-website.us-east-2.amazonaws.com"] = "Z2O1EMRO9K5GLX",
        ["s3-website-us-west-1.amazonaws.com"] = "Z2F56UZL2M1ACD",
        ["s3-website-us-west-2.amazonaws.com"] = "Z3BJ6K6RIION7M",
        ["s3-website.ca-central-1.amazonaws.com"] = "Z1QDHH18159H29",
        ["s3-website-ap-southeast-1.amazonaws.com"] = "Z3O0J2DXBE1FTB",
        ["s3-website-ap-southeast-2.amazonaws.com"] = "Z1WCIGYICN2BYD",
        ["s3-website-ap-northeast-1.amazonaws.com"] = "Z2M4EHUR26P7ZW",
        ["s3-website-eu-west-1.amazonaws.com"] = "Z1BKCTXD74EZPE",
        ["s3-website.eu-west-2.amazonaws.com"] = "Z3GKZC51ZF0DB4",
        ["s3-website.eu-central-1.amazonaws.com"] = "Z21DNDUVLTQW6Q",
        ["s3-website-sa-east-1.amazonaws.com"] = "Z7KQH4QJS55SO",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly Dictionary<string, string> _table;

    public Route53CanonicalHostedZones(IEnumerable<KeyValuePair<string, string>>? overrides = null)
    {
        _table = new Dictionary<string, string>(BuiltIn, StringComparer.OrdinalIgnoreCase);
        foreach (var (suffix, zoneId) in overrides ?? [])
        {
            _table[suffix.Trim().TrimEnd('.')] = zoneId.Trim();
        }
    }

    /// <summary>The canonical hosted zone of a target host, or null when it is not a known AWS alias target.</summary>
    public string? Lookup(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var host = target.Trim().TrimEnd('.');
        for (var candidate = host; candidate.Length > 0;)
        {
            if (_table.TryGetValue(candidate, out var zoneId))
            {
                return zoneId;
            }

            var dot = candidate.IndexOf('.', StringComparison.Ordinal);
            if (dot < 0)
            {
                break;
            }

            candidate = candidate[(dot + 1)..];
        }

        return null;
    }
}
