namespace SmtpFixture;

/// <summary>The data of <see cref="SmtpTestServer.MessageReceived"/>: a message the server has just accepted.</summary>
public sealed class SmtpMessageReceivedEventArgs : EventArgs
{
    /// <summary>Creates the event data for an accepted message.</summary>
    /// <param name="message">The message, already stored in <see cref="SmtpTestServer.Messages"/>.</param>
    public SmtpMessageReceivedEventArgs(ReceivedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Message = message;
    }

    /// <summary>The accepted message; the client gets its <c>250</c> reply after the handlers return.</summary>
    public ReceivedMessage Message { get; }
}
