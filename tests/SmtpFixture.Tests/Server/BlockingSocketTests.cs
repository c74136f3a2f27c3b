namespace SmtpFixture.Tests.Server;

/// <summary>
/// A session's socket I/O blocks on the session's own thread: a receive from a client that sends nothing, a send to a
/// client that does not read. The idle timeout and disposal each interrupt it, without waiting for the client or for
/// the shutdown timeout's abort.
/// </summary>
public sealed class BlockingSocketTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task TheIdleTimeoutInterruptsAReceiveAndTheClientGets421()
    {
        var time = new ObservableTimeProvider();
        await using var server = await SmtpTestServer.StartAsync(o => (o.TimeProvider, o.IdleTimeout) = (time, Idle));
        using var client = await RawSmtpClient.ConnectAsync(server);
        await client.ReadReplyAsync();
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.example"));

        // Armed before the flush of the EHLO reply, which the client has read: the session now waits in recv.
        Assert.Equal(Idle, await time.WaitUntilArmedAsync());
        time.Advance(Idle);

        Assert.Equal("421 4.4.2 Idle timeout, closing transmission channel\r\n", await client.ReadToEndAsync());
    }

    [Fact]
    public async Task TheIdleTimeoutCutsOffAClientThatDoesNotReadItsReplies()
    {
        var time = new ObservableTimeProvider();
        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await SmtpTestServer.StartAsync(o =>
        {
            o.TimeProvider = time;
            o.IdleTimeout = Idle;
            o.Policies.Add(new HugeEhloReply(answered));
        });
        using var client = await RawSmtpClient.ConnectAsync(server, receiveBufferSize: 4096);
        await client.ReadReplyAsync();

        // The session arms its idle timer just before it flushes the reply, and the flush then blocks.
        var armed = time.WhenNextArmed();
        await client.SendAsync("EHLO client.example\r\n");
        Assert.Equal(Idle, await armed);
        time.Advance(Idle);

        var closing = await server.WaitForRefusalAsync(r => r.Reply.Code == 421, Bound);
        Assert.Equal("<idle timeout>", closing.Command);
        Assert.Equal("421 4.4.2 Idle timeout, closing transmission channel", closing.Reply.ToString());
    }

    [Fact]
    public async Task DisposingInterruptsTheWriteBeforeTheShutdownTimeout()
    {
        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = await SmtpTestServer.StartAsync(o =>
        {
            // Longer than the test's bound: only the shutdown signal itself can end the session in time.
            o.ShutdownTimeout = TimeSpan.FromHours(1);
            o.Policies.Add(new HugeEhloReply(answered));
        });
        using var client = await RawSmtpClient.ConnectAsync(server, receiveBufferSize: 4096);
        await client.ReadReplyAsync();
        await client.SendAsync("EHLO client.example\r\n");
        await answered.Task.WaitAsync(Bound);

        await server.DisposeAsync().AsTask().WaitAsync(Bound);
    }
}
