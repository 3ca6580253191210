-- A post's grain keeps neither its comments nor its likers in memory (a popular post has millions): it looks up the
-- one comment or the one user's like a command is about in its stream, through these indexes. They are partial, so
-- only comment and like events pay for them; posts, follows and profiles do not.
CREATE INDEX events_comments_idx ON events (stream_id, (data->>'commentId'), version)
    WHERE event_type IN ('V1.CommentAdded', 'V1.CommentDeleted');

CREATE INDEX events_likes_idx ON events (stream_id, (data->>'userId'), version)
    WHERE event_type IN ('V1.PostLiked', 'V1.PostUnliked');
