namespace Ccx.Dns.DynamoDb.Internal;

/// <summary>DynamoDB's table name rules: 3 to 255 characters of <c>a-z A-Z 0-9 _ - .</c>.</summary>
internal static class DynamoDbTableNames
{
    /// <summary>Checks a table name; the names are also quoted into PartiQL statements, so these rules keep them inert.</summary>
    /// <returns>What is wrong, or <see langword="null"/>.</returns>
    public static string? Check(string? tableName)
    {
        if (tableName is null || tableName.Length < 3 || tableName.Length > 255)
        {
            return $"'{tableName}' must be 3 to 255 characters long";
        }

        return tableName.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            ? $"'{tableName}' may only contain letters, digits, '_', '-' and '.'"
            : null;
    }
}
