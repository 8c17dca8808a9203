using System.Text.Json;

namespace Ccx.Dns.TestServers;

/// <summary>Turns a JSON configuration (an appsettings snippet of the docs) into the command-line arguments that say the same.</summary>
public static class JsonArguments
{
    /// <summary>The JSON flattened into <c>--Section:Key=value</c> arguments, array elements by index (<c>--Dns:Sources:0=Patroni</c>).</summary>
    /// <param name="json">The JSON object.</param>
    /// <returns>The arguments, in document order.</returns>
    public static List<string> From(string json)
    {
        using var document = JsonDocument.Parse(json);
        var arguments = new List<string>();
        Flatten(document.RootElement, string.Empty, arguments);
        return arguments;
    }

    private static void Flatten(JsonElement element, string prefix, List<string> into)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, prefix.Length == 0 ? property.Name : prefix + ":" + property.Name, into);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, prefix + ":" + i++, into);
                }

                break;
            default:
                into.Add($"--{prefix}={(element.ValueKind == JsonValueKind.String ? element.GetString() : element.GetRawText())}");
                break;
        }
    }
}
