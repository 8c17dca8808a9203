using System.Net;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Ccx.Dns.Providers;

namespace Ccx.Dns.DynamoDb.Internal;

/// <summary>Maps DynamoDB failures to <see cref="DnsProviderException"/> with <see cref="DnsProviderException.IsTransient"/> set.</summary>
internal static class DynamoDbErrors
{
    /// <summary>Whether a per-statement error code of BatchExecuteStatement may succeed when tried again.</summary>
    public static bool IsTransient(BatchStatementErrorCodeEnum? code) =>
        code == BatchStatementErrorCodeEnum.ThrottlingError
        || code == BatchStatementErrorCodeEnum.ProvisionedThroughputExceeded
        || code == BatchStatementErrorCodeEnum.RequestLimitExceeded
        || code == BatchStatementErrorCodeEnum.TransactionConflict
        || code == BatchStatementErrorCodeEnum.InternalServerError;

    /// <summary>
    /// Whether a failed call may succeed when tried again: throttling, 5xx, timeouts and connection failures are
    /// transient; validation, missing resources, access and authentication errors are not.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        ProvisionedThroughputExceededException or RequestLimitExceededException or InternalServerErrorException
            or TransactionConflictException or LimitExceededException => true,
        AmazonServiceException service when service.ErrorCode is "ThrottlingException" or "Throttling" or "TooManyRequestsException"
            or "ServiceUnavailable" or "RequestTimeout" or "RequestTimeoutException" => true,
        AmazonServiceException service when service.StatusCode == HttpStatusCode.TooManyRequests || (int)service.StatusCode >= 500 => true,
        AmazonServiceException service when service.StatusCode != 0 => false,
        AmazonClientException or HttpRequestException or IOException or TimeoutException or TaskCanceledException => true,
        AmazonServiceException service when service.InnerException is not null => IsTransient(service.InnerException),
        _ => false,
    };

    /// <summary>Wraps a failed call: "<paramref name="what"/>: code: message", transient as classified.</summary>
    public static DnsProviderException Wrap(string what, Exception exception)
    {
        var detail = exception is AmazonServiceException { ErrorCode: { Length: > 0 } code } ? $"{code}: {exception.Message}" : exception.Message;
        return new DnsProviderException($"{what}: {detail}", IsTransient(exception), exception);
    }

    /// <summary>Whether an exception is DynamoDB's answer for a missing table.</summary>
    public static bool IsTableMissing(Exception exception) => exception is ResourceNotFoundException;
}
