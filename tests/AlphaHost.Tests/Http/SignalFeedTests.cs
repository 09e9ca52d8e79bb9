using AlphaHost.Host.Http;

namespace AlphaHost.Tests.Http;

public sealed class SignalFeedTests
{
    [Fact]
    public void Publish_ClientThatNeverReads_KeepsOnlyTheNewestCyclesAndCountsTheRest()
    {
        var feed = new SignalFeed { Enabled = true };
        using var stalled = feed.Subscribe()!;

        for (var cycle = 1; cycle <= 100; cycle++)
        {
            feed.Publish(cycle, new byte[64 * 1024]);
        }

        Assert.Equal(SignalFeed.ClientQueue, stalled.Reader.Count);
        Assert.Equal(100 - SignalFeed.ClientQueue, feed.Dropped);
        Assert.True(stalled.Reader.TryRead(out var oldestKept));
        Assert.Equal(100 - SignalFeed.ClientQueue + 1, oldestKept.Cycle);
    }

    [Fact]
    public void Publish_TwoClients_EachGetsEveryCycleInOrder()
    {
        var feed = new SignalFeed { Enabled = true };
        using var first = feed.Subscribe()!;
        using var second = feed.Subscribe()!;

        feed.Publish(1, "{\"cycle\":1}"u8);
        feed.Publish(2, "{\"cycle\":2}"u8);

        foreach (var client in new[] { first, second })
        {
            Assert.True(client.Reader.TryRead(out var a));
            Assert.True(client.Reader.TryRead(out var b));
            Assert.Equal((1L, 2L), (a.Cycle, b.Cycle));
        }

        Assert.Equal(2, feed.Latest!.Cycle);
    }

    [Fact]
    public void Publish_Disabled_KeepsNothing()
    {
        var feed = new SignalFeed();

        feed.Publish(1, "{}"u8);

        Assert.Null(feed.Latest);
    }

    [Fact]
    public void Subscribe_BeyondMaxClients_IsRefusedAndALeavingClientFreesItsPlace()
    {
        var feed = new SignalFeed { Enabled = true };
        var clients = Enumerable.Range(0, SignalFeed.MaxClients).Select(_ => feed.Subscribe()!).ToList();

        Assert.Null(feed.Subscribe());
        clients[0].Dispose();
        using var next = feed.Subscribe();
        Assert.NotNull(next);
        Assert.Equal(SignalFeed.MaxClients, feed.Clients);
        clients.ForEach(c => c.Dispose());
    }
}
