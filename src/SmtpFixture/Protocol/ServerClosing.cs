namespace SmtpFixture.Protocol;

/// <summary>Why the server ends a session on its own; <see cref="None"/> when the client, a verdict or a bug ended it.</summary>
internal enum CloseReason
{
    None,
    Idle,
    DataTimeout,
    Shutdown,
}

/// <summary>
/// The last words of a session the server cuts off (idle or data timeout, RFC 5321 §4.5.3.2; shutdown): a 421,
/// recorded on the attempt before it is sent, and sent with a bound so that a dead client cannot stall the server.
/// </summary>
internal static class ServerClosing
{
    /// <summary>Records the 421 that ends the session, before it is sent.</summary>
    public static void Record(SmtpSession session, CloseReason reason)
    {
        var command = reason switch
        {
            CloseReason.Idle => "<idle timeout>",
            CloseReason.DataTimeout => "<data timeout>",
            _ => "<server shutting down>",
        };
        var stage = session.Mode == SmtpSession.InputMode.Commands ? SmtpStage.Other : SmtpStage.Data;
        var exchange = new SmtpExchange(stage, command, GoodbyeFor(reason), null, session.Engine.Time.GetUtcNow());
        session.Recorder.RecordClosing(session.Client.Info, exchange, alone: reason != CloseReason.Shutdown);
    }

    /// <summary>Sends the 421, bounded: the client may be gone or not reading, and the connection is closed next anyway.</summary>
    public static async Task SayGoodbyeAsync(SmtpSession session, CloseReason reason)
    {
        try
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            session.Write(GoodbyeFor(reason));
            await session.FlushAsync(bound.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException || SmtpSession.IsConnectionError(ex))
        {
            // The client is gone or not reading; the connection is closed next anyway.
        }
    }

    private static SmtpReply GoodbyeFor(CloseReason reason) => reason switch
    {
        CloseReason.Idle => Replies.IdleTimeout,
        CloseReason.DataTimeout => Replies.DataTimeout,
        _ => Replies.ShuttingDown,
    };
}
