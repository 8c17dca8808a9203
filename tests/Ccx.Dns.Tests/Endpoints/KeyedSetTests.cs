using Ccx.Dns.Endpoints;

namespace Ccx.Dns.Tests.Endpoints;

public sealed class KeyedSetTests
{
    [Fact]
    public void TryGetValue_FindsARecordByItsKey_WhateverTheCaseOfEitherName()
    {
        var set = new KeyedSet<EndpointKey, DnsEndpoint>(EndpointsByKey.Instance);
        var record = new DnsEndpoint("Db.Example.org", RecordType.A, "192.0.2.1");
        Assert.True(set.TryAdd(record));

        Assert.True(set.TryGetValue(new EndpointKey("db.example.ORG", RecordType.A), out var found));
        Assert.Same(record, found);
        Assert.True(set.ContainsKey(new EndpointKey("db.example.org.", RecordType.A)));
        Assert.False(set.ContainsKey(new EndpointKey("db.example.org", RecordType.AAAA)));
        Assert.False(set.ContainsKey(new EndpointKey("db.example.org", RecordType.A, "blue")));
        Assert.Same(record, set[new EndpointKey("db.example.org", RecordType.A)]);
        Assert.Throws<KeyNotFoundException>(() => set[new EndpointKey("other.example.org", RecordType.A)]);
    }

    [Fact]
    public void TryAdd_KeepsTheFirstValueOfAKey_AndSetReplacesIt()
    {
        var set = new KeyedSet<EndpointKey, DnsEndpoint>(EndpointsByKey.Instance);
        var first = new DnsEndpoint("db.example.org", RecordType.A, "192.0.2.1");
        var second = new DnsEndpoint("DB.example.org", RecordType.A, "192.0.2.2") { Ttl = 30 };

        Assert.True(set.TryAdd(first));
        Assert.False(set.TryAdd(second));
        Assert.Same(first, set[first.Key]);

        set.Set(second);
        Assert.Single(set);
        Assert.Same(second, set[first.Key]);

        var third = second with { Ttl = 60 };
        set.Replace(third);
        Assert.Same(third, Assert.Single(set));
    }

    [Fact]
    public void Remove_TakesOutTheValueOfAKey_AndGivesItBack()
    {
        var set = new KeyedSet<EndpointKey, DnsEndpoint>(EndpointsByKey.Instance, capacity: 4);
        var a = new DnsEndpoint("a.example.org", RecordType.A, "192.0.2.1");
        var b = new DnsEndpoint("a.example.org", RecordType.TXT, "text");
        set.Set(a);
        set.Set(b);

        Assert.True(set.Remove(a.Key, out var removed));
        Assert.Same(a, removed);
        Assert.False(set.Remove(a.Key, out _));
        Assert.False(set.Remove(a.Key));
        Assert.True(set.Remove(new EndpointKey("A.EXAMPLE.ORG", RecordType.TXT)));
        Assert.Empty(set);
    }

    [Fact]
    public void Enumeration_ListsEveryValueOnce_AfterReplacementsAndGrowth()
    {
        var set = new KeyedSet<EndpointKey, DnsEndpoint>(EndpointsByKey.Instance);
        set.EnsureCapacity(10);
        for (var i = 0; i < 1_000; i++)
        {
            set.Set(new DnsEndpoint($"n{i % 300}.example.org", RecordType.A, $"192.0.2.{i % 250}"));
        }

        Assert.Equal(300, set.Count);
        var names = set.Select(r => r.DnsName).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(300, names.Count);

        // The last value set for each key is the one kept.
        Assert.Equal(["192.0.2.149"], set[new EndpointKey("n299.example.org", RecordType.A)].Targets);
    }

    [Fact]
    public void AValueCannotBeMadeFromItsKey()
    {
        IAlternateEqualityComparer<EndpointKey, DnsEndpoint> comparer = EndpointsByKey.Instance;
        Assert.Throws<NotSupportedException>(() => comparer.Create(new EndpointKey("a.example.org", RecordType.A)));
    }
}
