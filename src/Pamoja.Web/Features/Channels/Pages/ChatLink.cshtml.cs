using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Web.Features.Shared.Localization;

namespace Pamoja.Web.Features.Channels.Pages;

/// A link sent from a chat. Opening it only shows where it leads; the button uses it (once),
/// so a link preview or a forwarded copy opened later finds it spent.
[AllowAnonymous]
public sealed class ChatLinkModel(ChatLinks links) : PageModel
{
    public OpenedLink? Link { get; private set; }

    public async Task<IActionResult> OnGetAsync(string token, CancellationToken ct)
    {
        if (links.Read(token) is not { } id || await links.PeekAsync(id, ct) is not { } link)
            return Gone();
        Link = link;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string token, CancellationToken ct)
    {
        if (links.Read(token) is not { } id || await links.UseAsync(id, ct) is not { } link)
            return Gone();
        // Targets are Pamoja's own paths, written by Pamoja; LocalRedirect refuses anything else.
        return LocalRedirect(link.Target);
    }

    private PageResult Gone()
    {
        Response.StatusCode = StatusCodes.Status410Gone;
        return Page();
    }

    /// Whole sentences, not a fragment put into one: the word order differs between languages.
    public static string Describe(string purpose, PageTexts T) => purpose switch
    {
        LinkPurposes.Register => T["This link lets you create your Pamoja account. It works once."],
        LinkPurposes.SetPin => T["This link lets you set your chat PIN. It works once."],
        LinkPurposes.Join => T["This link lets you join the group. It works once."],
        LinkPurposes.Statement => T["This link lets you see your statement. It works once."],
        _ => T["This link lets you choose how Pamoja messages you. It works once."],
    };
}
