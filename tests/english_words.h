/*
 * english_words.h: finding common English words in a text meant to be
 * Indonesian (tests/english_words.c).
 */
#ifndef SUREL_ENGLISH_WORDS_H
#define SUREL_ENGLISH_WORDS_H

#include <stddef.h>

/*
 * The first common English word of s, copied into out; NULL if none.
 * Protocol words in capitals (EHLO, SYN), addresses, host names and
 * numbers (a chunk with a dot, '@', '/', ':' or a digit), {placeholders}
 * and mail header names (From, Subject) are not English here.
 */
const char *first_english(const char *s, char *out, size_t outsz);

#endif
