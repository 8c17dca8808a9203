using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Registry;

/// <summary>Comparisons of label maps shared by the registries.</summary>
internal static class LabelMaps
{
    /// <summary>Whether two label maps hold exactly the same pairs (keys and values compared ordinally).</summary>
    /// <param name="left">One map.</param>
    /// <param name="right">The other.</param>
    /// <returns><see langword="true"/> when every pair of each is in the other.</returns>
    public static bool Same(LabelMap left, LabelMap right) => left.SamePairs(right);
}
