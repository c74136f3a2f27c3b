namespace NotificationService;

/// <summary>A notification to one person: a subject, a plain-text body, optionally an HTML body and attachments.</summary>
public sealed record Notification(string To, string Subject, string TextBody)
{
    public string? HtmlBody { get; init; }

    public IReadOnlyList<NotificationAttachment> Attachments { get; init; } = [];
}

/// <summary>A file attached to a notification.</summary>
public sealed record NotificationAttachment(string FileName, string ContentType, byte[] Content);
