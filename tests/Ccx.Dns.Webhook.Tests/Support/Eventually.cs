namespace Ccx.Dns.Webhook.Tests.Support;

/// <summary>Waits for a condition another thread brings about (not a timed test: the bound only stops a hung test).</summary>
public static class Eventually
{
    public static Task TrueAsync(Func<bool> condition, string what) => TrueAsync(condition, () => what);

    public static async Task TrueAsync(Func<bool> condition, Func<string> what)
    {
        var deadline = Environment.TickCount64 + 30_000;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException("never happened: " + what());
            }

            await Task.Delay(5);
        }
    }
}
