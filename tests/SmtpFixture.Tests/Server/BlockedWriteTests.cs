namespace SmtpFixture.Tests.Server;

/// <summary>
/// A session blocked in a socket write to a client that does not read (on its own thread, a blocking send): the idle
/// timeout and disposal each interrupt the write, without waiting for the client or for the shutdown timeout's abort.
/// </summary>
public sealed class BlockedWriteTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(5);

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
