"""Opinion solicitation and surveys (意见征集): questionnaires, anonymous mode done properly, results
(docs/surveys.md).
"""
