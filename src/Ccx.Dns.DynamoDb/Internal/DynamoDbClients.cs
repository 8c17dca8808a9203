using Amazon;
using Amazon.DynamoDBv2;

namespace Ccx.Dns.DynamoDb.Internal;

/// <summary>Creates DynamoDB clients with the SDK's default credential chain.</summary>
internal static class DynamoDbClients
{
    /// <summary>A client for a region and, optionally, an endpoint such as DynamoDB Local's.</summary>
    public static AmazonDynamoDBClient Create(string? region, Uri? serviceUrl)
    {
        var config = new AmazonDynamoDBConfig();
        if (serviceUrl is not null)
        {
            config.ServiceURL = serviceUrl.ToString();

            // A custom endpoint still signs for a region; DynamoDB Local accepts any.
            config.AuthenticationRegion = region ?? "us-east-1";
        }
        else if (region is not null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        return new AmazonDynamoDBClient(config);
    }
}
