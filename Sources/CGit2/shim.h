#include <git2.h>
#include <git2/sys/repository.h>

/* git_libgit2_opts is variadic, which Swift cannot call; these wrappers can. */
static inline int folio_git_enable_fsync(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, enabled);
}

/* libgit2 caches only trees up to 4 KiB by default; a folder of a thousand
   documents is larger, and history walks look it up again for every commit. */
static inline int folio_git_cache_trees(size_t limit, ssize_t total) {
    int rc = git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, limit);
    return rc ? rc : git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, total);
}

/* git itself does not re-hash every object it reads; fsck is for that. */
static inline int folio_git_strict_hash_verification(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, enabled);
}

/* A history walk touches every commit and tree of the pack; libgit2 maps packs
   in 1 GiB windows up to 8 GiB by default, so its resident memory would grow
   with the history. Smaller windows under a cap keep it bounded. */
static inline int folio_git_limit_pack_windows(size_t window, size_t mapped) {
    int rc = git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, window);
    return rc ? rc : git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, mapped);
}

/* Whether libgit2 keeps the objects it reads in its cache. */
static inline int folio_git_enable_caching(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_CACHING, enabled);
}
