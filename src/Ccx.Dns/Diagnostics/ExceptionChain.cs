namespace Ccx.Dns.Diagnostics;

/// <summary>
/// Renders an exception and its causes as one line (<c>outer message ← InnerType: inner message ← …</c>), for log lines
/// and health reports that must say why something failed without a stack trace. A cause whose message the outer message
/// already contains is left out.
/// </summary>
internal static class ExceptionChain
{
    /// <summary>The longest chain rendered; deeper causes are cut.</summary>
    private const int MaxDepth = 5;

    /// <summary>Renders the exception's message and its causes' on one line.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The line.</returns>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var text = OneLine(exception.Message);
        var depth = 0;
        for (var cause = Next(exception); cause is not null && depth < MaxDepth; cause = Next(cause), depth++)
        {
            var message = OneLine(cause.Message);
            if (message.Length > 0 && !text.Contains(message, StringComparison.Ordinal))
            {
                text += " ← " + cause.GetType().Name + ": " + message;
            }
        }

        return text;
    }

    private static Exception? Next(Exception exception) =>
        exception is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : exception.InnerException;

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
