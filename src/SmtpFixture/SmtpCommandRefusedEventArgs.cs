namespace SmtpFixture;

/// <summary>The data of <see cref="SmtpTestServer.CommandRefused"/>: a command the server answered with a 4xx or 5xx reply.</summary>
public sealed class SmtpCommandRefusedEventArgs : EventArgs
{
    /// <summary>Creates the event data for a refused command.</summary>
    /// <param name="session">The session the command arrived in.</param>
    /// <param name="exchange">The command and the negative reply it got.</param>
    public SmtpCommandRefusedEventArgs(SmtpSessionInfo session, SmtpExchange exchange)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(exchange);
        Session = session;
        Exchange = exchange;
    }

    /// <summary>The session the command arrived in, as it was when the command was answered.</summary>
    public SmtpSessionInfo Session { get; }

    /// <summary>The command (AUTH secrets redacted), its stage and the negative reply it got.</summary>
    public SmtpExchange Exchange { get; }
}
