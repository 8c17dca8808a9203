using System.Collections.Immutable;
using System.Text.Json;
using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Tests.Endpoints;

public sealed class LabelMapTests
{
    // Ordinal order: upper case before '_' before lower case (a culture-aware order would put "_x" and "a" first).
    private static readonly string[] OrdinalKeys = ["B", "Z", "_x", "a", "b"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void From_UnorderedDictionary_EnumeratesInOrdinalKeyOrder(int count)
    {
        var keys = OrdinalKeys.Take(count).ToArray();
        var source = new Dictionary<string, string>();
        foreach (var key in keys.Reverse())
        {
            source[key] = "v" + key;
        }

        var map = LabelMap.From(source);

        Assert.Equal(count, map.Count);
        Assert.Equal(keys, map.Keys);
        Assert.Equal(keys.Select(k => "v" + k), map.Values);
        Assert.Equal(keys.Select(k => KeyValuePair.Create(k, "v" + k)), map);
        Assert.Equal(keys.Select(k => KeyValuePair.Create(k, "v" + k)), (IEnumerable<KeyValuePair<string, string>>)map);
    }

    [Fact]
    public void Empty_IsOneSharedInstance()
    {
        var one = LabelMap.Empty.SetItem("a", "1");

        Assert.Empty(LabelMap.Empty);
        Assert.Same(LabelMap.Empty, LabelMap.From(new Dictionary<string, string>()));
        Assert.Same(LabelMap.Empty, LabelMap.From(ImmutableSortedDictionary<string, string>.Empty));
        Assert.Same(LabelMap.Empty, one.Remove("a"));
        Assert.Same(LabelMap.Empty, new LabelMap.Builder().ToMap());
        Assert.Same(LabelMap.Empty, new DnsEndpoint("a.example", RecordType.A, "192.0.2.1").WithLabel("x", "1").WithoutLabels().Labels);
        Assert.Same(new DnsEndpoint("a.example", RecordType.A, "192.0.2.1").Labels, new DnsEndpoint("b.example", RecordType.TXT, "\"t\"").Labels);
        Assert.Same(LabelMap.Empty, new DnsEndpoint("a.example", RecordType.A, "192.0.2.1").WithLabel("x", "1").WithoutLabel("x").Labels);
    }

    [Fact]
    public void SetItem_AddsInKeyOrderThroughEverySize()
    {
        var map = LabelMap.Empty;
        var added = new List<string>();

        // Added out of order: each insertion lands at the front, the middle or the end.
        foreach (var key in new[] { "m", "c", "x", "a", "p", "z", "b" })
        {
            map = map.SetItem(key, key.ToUpperInvariant());
            added.Add(key);

            var expected = added.Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(expected.Length, map.Count);
            Assert.Equal(expected, map.Keys);
            Assert.Equal(expected.Select(k => k.ToUpperInvariant()), map.Values);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void SetItem_ExistingKey_ReplacesValueOrReturnsTheSameMapWhenUnchanged(int count)
    {
        var map = Build(count);

        foreach (var key in map.Keys.ToArray())
        {
            Assert.Same(map, map.SetItem(key, map[key]));
            Assert.Same(map, map.SetItem(key, new string(map[key].ToCharArray()))); // equal text, another string

            var changed = map.SetItem(key, "new");
            Assert.NotSame(map, changed);
            Assert.Equal(count, changed.Count);
            Assert.Equal("new", changed[key]);
            Assert.Equal(map.Keys, changed.Keys);
            Assert.Equal(map.Where(l => l.Key != key), changed.Where(l => l.Key != key));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Remove_DropsOneLabelKeepingOrder_AndReturnsTheSameMapWhenAbsent(int count)
    {
        var map = Build(count);

        Assert.Same(map, map.Remove("absent"));
        Assert.Same(map, map.Remove("k0x"));
        foreach (var key in map.Keys.ToArray())
        {
            var removed = map.Remove(key);

            Assert.Equal(count - 1, removed.Count);
            Assert.False(removed.ContainsKey(key));
            Assert.Equal(map.Where(l => l.Key != key), removed);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(6)]
    [InlineData(9)]
    public void Lookups_FindEveryKeyAndNoOther(int count)
    {
        var map = Build(count);

        for (var i = 0; i < count; i++)
        {
            var key = "k" + i;
            Assert.True(map.ContainsKey(key));
            Assert.True(map.TryGetValue(key, out var value));
            Assert.Equal("v" + i, value);
            Assert.Equal("v" + i, map[key]);
        }

        // Before the first key, between two keys, after the last, and a key differing only in case.
        foreach (var missing in new[] { "a", "k0x", "k" + count, "z", "K0" })
        {
            Assert.False(map.ContainsKey(missing));
            Assert.False(map.TryGetValue(missing, out var value));
            Assert.Null(value);
            Assert.Throws<KeyNotFoundException>(() => map[missing]);
        }

        Assert.Throws<ArgumentNullException>(() => map.ContainsKey(null!));
        Assert.Throws<ArgumentNullException>(() => map.SetItem(null!, "v"));
    }

    [Theory]
    [InlineData(new[] { "b", "1", "a", "2", "b", "3" }, new[] { "a", "2", "b", "3" })]
    [InlineData(new[] { "a", "1", "a", "2" }, new[] { "a", "2" })]
    [InlineData(new[] { "d", "1", "c", "2", "b", "3", "a", "4", "c", "5", "d", "6" }, new[] { "a", "4", "b", "3", "c", "5", "d", "6" })]
    [InlineData(new[] { "x", "1", "x", "2", "x", "3" }, new[] { "x", "3" })]
    public void Builder_OrdersKeysAndKeepsTheLastValueOfARepeatedKey(string[] added, string[] expected)
    {
        var builder = new LabelMap.Builder();
        for (var i = 0; i < added.Length; i += 2)
        {
            builder.Add(added[i], added[i + 1]);
        }

        var map = builder.ToMap();

        Assert.Equal(expected.Where((_, i) => i % 2 == 0), map.Keys);
        Assert.Equal(expected.Where((_, i) => i % 2 == 1), map.Values);
    }

    [Fact]
    public void SetItems_OtherValuesWin_AndNoChangeGivesTheSameMap()
    {
        var map = LabelMap.From(new Dictionary<string, string> { ["owner"] = "old", ["x"] = "1" });

        var merged = map.SetItems(LabelMap.From(new Dictionary<string, string> { ["owner"] = "new", ["resource"] = "r" }));

        Assert.Equal(["owner", "resource", "x"], merged.Keys);
        Assert.Equal(["new", "r", "1"], merged.Values);
        Assert.Same(map, map.SetItems(LabelMap.Empty));
        Assert.Same(map, map.SetItems(LabelMap.Empty.SetItem("x", "1")));
    }

    [Fact]
    public void SamePairs_ComparesContentsOrdinally()
    {
        var built = LabelMap.Empty.SetItem("resource", "r").SetItem("owner", "o");
        var converted = LabelMap.From(new Dictionary<string, string> { ["owner"] = "o", ["resource"] = "r" });

        Assert.NotSame(built, converted);
        Assert.True(built.SamePairs(converted));
        Assert.False(built.SamePairs(converted.SetItem("owner", "O")));
        Assert.False(built.SamePairs(converted.SetItem("extra", "e")));
        Assert.False(built.SamePairs(LabelMap.Empty));
        Assert.True(Build(5).SamePairs(Build(5)));
        Assert.False(Build(5).SamePairs(Build(5).SetItem("k4", "other")));
    }

    [Fact]
    public void Ordered_KeepsALabelMap_AndConvertsAnImmutableSortedDictionary()
    {
        var map = Build(2);
        var culture = ImmutableSortedDictionary.CreateRange(
            StringComparer.InvariantCulture,
            new Dictionary<string, string> { ["a"] = "1", ["B"] = "2", ["_x"] = "3" });

        var converted = EndpointLabels.Ordered(culture);

        Assert.Same(map, EndpointLabels.Ordered(map));
        Assert.Equal(["B", "_x", "a"], converted.Keys);
        Assert.Equal(["2", "3", "1"], converted.Values);
    }

    [Fact]
    public void ToImmutableSortedDictionary_HasTheSameLabelsWithTheOrdinalComparer()
    {
        var map = Build(3);

        var dictionary = map.ToImmutableSortedDictionary();

        Assert.Same(StringComparer.Ordinal, dictionary.KeyComparer);
        Assert.Equal(map.ToArray(), dictionary.ToArray());
    }

    [Fact]
    public void Enumerator_WalksInOrderAndCanBeReset()
    {
        var map = Build(3);
        var enumerator = map.GetEnumerator();

        Assert.True(enumerator.MoveNext());
        Assert.Equal(KeyValuePair.Create("k0", "v0"), enumerator.Current);
        Assert.True(enumerator.MoveNext());
        Assert.True(enumerator.MoveNext());
        Assert.Equal(KeyValuePair.Create("k2", "v2"), enumerator.Current);
        Assert.False(enumerator.MoveNext());
        enumerator.Reset();
        Assert.True(enumerator.MoveNext());
        Assert.Equal(KeyValuePair.Create("k0", "v0"), enumerator.Current);
        Assert.False(LabelMap.Empty.GetEnumerator().MoveNext());
    }

    [Fact]
    public void Endpoints_WithEqualLabelsBuiltDifferently_AreEqual()
    {
        var plain = new DnsEndpoint("db.example.org", RecordType.A, "192.0.2.1") { Ttl = 60 };
        var byLabel = plain.WithLabel(EndpointLabels.ResourceKey, "datastore/1").WithLabel(EndpointLabels.OwnerKey, "me").WithLabel("zeta", "z");
        var reversed = plain.WithLabel("zeta", "z").WithLabel(EndpointLabels.OwnerKey, "me").WithLabel(EndpointLabels.ResourceKey, "datastore/1");
        var byDictionary = plain.WithLabels(new Dictionary<string, string> { ["zeta"] = "z", ["resource"] = "datastore/1", ["owner"] = "me" });
        var bySortedDictionary = plain with
        {
            Labels = ImmutableSortedDictionary.CreateRange(new Dictionary<string, string> { ["zeta"] = "z", ["resource"] = "datastore/1", ["owner"] = "me" }),
        };
        var byJson = JsonSerializer.Deserialize<DnsEndpoint>(JsonSerializer.Serialize(byLabel))!;

        foreach (var other in new[] { reversed, byDictionary, bySortedDictionary, byJson })
        {
            Assert.Equal(byLabel, other);
            Assert.Equal(byLabel.GetHashCode(), other.GetHashCode());
            Assert.Equal(["owner", "resource", "zeta"], other.Labels.Keys);
        }

        Assert.NotEqual(byLabel, byLabel.WithLabel("zeta", "Z"));
        Assert.NotEqual(byLabel, byLabel.WithoutLabel("zeta"));
        Assert.NotEqual(byLabel, plain.WithLabel("resource", "datastore/1").WithLabel("owner", "me").WithLabel("Zeta", "z"));
    }

    [Fact]
    public void Endpoint_JsonAndToString_WriteLabelsInKeyOrder()
    {
        var endpoint = new DnsEndpoint("a.example.org", RecordType.A, "192.0.2.1")
            .WithLabels(new Dictionary<string, string> { ["resource"] = "r", ["owner"] = "o", ["Alpha"] = "1" });

        Assert.Equal(
            """{"dnsName":"a.example.org","targets":["192.0.2.1"],"recordType":"A","labels":{"Alpha":"1","owner":"o","resource":"r"}}""",
            JsonSerializer.Serialize(endpoint));
        Assert.Equal("a.example.org A [192.0.2.1] {Alpha=1, owner=o, resource=r}", endpoint.ToString());
    }

    [Fact]
    public void Endpoint_WithoutLabels_AfterLabellingThroughEverySize_GivesBackTheUnlabelledInstance()
    {
        var plain = new DnsEndpoint("a.example.org", RecordType.A, "192.0.2.1");

        var labelled = plain;
        foreach (var key in new[] { "c", "a", "d", "b" })
        {
            labelled = labelled.WithLabel(key, key);
            Assert.Same(plain, labelled.WithoutLabels());
        }

        Assert.Same(labelled, labelled.WithoutLabel("absent"));
        Assert.Equal(["a", "b", "c", "d"], labelled.Labels.Keys);
        var stripped = labelled.WithoutLabel("a").WithoutLabel("b").WithoutLabel("c").WithoutLabel("d");
        Assert.Equal(plain, stripped);
        Assert.Same(LabelMap.Empty, stripped.Labels);
    }

    [Fact]
    public void Serialize_OfAMapWithManyLabels_IsOrderedAndSkipsTheNonce()
    {
        var map = LabelMap.Empty
            .SetItem("resource", "datastore/1")
            .SetItem(EndpointLabels.TxtEncryptionNonceKey, "bm9uY2U=")
            .SetItem("owner", "me")
            .SetItem("Alpha", "1");

        Assert.Equal(
            "\"heritage=external-dns,external-dns/Alpha=1,external-dns/owner=me,external-dns/resource=datastore/1\"",
            EndpointLabels.Serialize(map, withQuotes: true));
    }

    [Theory]
    [InlineData("\"heritage=external-dns,external-dns/resource=datastore/1,external-dns/owner=me\"")]
    [InlineData("heritage=external-dns,external-dns/owner=a,external-dns/owner=b,external-dns/z=1,external-dns/a=2")]
    [InlineData("heritage=external-dns")]
    public void TryParseMap_GivesTheLabelsParseGives(string text)
    {
        Assert.True(EndpointLabels.TryParseMap(text, out var map));

        Assert.Equal(EndpointLabels.Parse(text).ToArray(), map.ToArray());
    }

    /// <summary>A map of <paramref name="count"/> labels <c>k0=v0</c>, <c>k1=v1</c>, … (keys below 10 sort as numbered).</summary>
    private static LabelMap Build(int count)
    {
        var map = LabelMap.Empty;
        for (var i = count - 1; i >= 0; i--)
        {
            map = map.SetItem("k" + i, "v" + i);
        }

        return map;
    }
}
